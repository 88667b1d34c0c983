// Journal records of the PostgreSQL backend: accepted contacts and session
// events (storage_types.h), each added to the batch as rows that are never
// updated. Submit them to the tenant's PgWriter.
//
// Thread safety: building records is thread-compatible; once submitted a
// record belongs to the writer, and its callback runs on the writer thread.
#pragma once

#include <vector>

#include "engine/storage/postgresql/pg_writer.h"
#include "engine/storage/storage_types.h"

namespace routerd::storage {

// One contacts row per contact; a key already stored is kDuplicate.
PgRecordPtr MakePgAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done);

// One session_events row per event, plus one per further contact of an
// opening and per contact added. Fails only when storage fails.
PgRecordPtr MakePgSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done = {});

}  // namespace routerd::storage
