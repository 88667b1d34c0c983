// Journal records of the PostgreSQL backend: accepted contacts and session
// events (storage_types.h), each added to the batch as rows that are never
// updated. Submit them to the tenant's PgWriter.
//
// Thread safety: building records is thread-compatible; once submitted a
// record belongs to the writer, and its callback runs on the writer thread.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/storage/postgresql/pg_writer.h"
#include "engine/storage/storage_types.h"

namespace routerd::storage {

// One contacts row per contact; a key already stored is kDuplicate. In
// cluster mode, unless this instance holds the tenant's lease at the record's
// lease_epoch, the new ones before leave_from are stored for the owner
// (kStoredForOwner, inbox rows); one of those without provider message id
// refuses the record there (InvalidArgument).
PgRecordPtr MakePgAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done);

// One session_events row per event, plus one per further contact of an
// opening and per contact added. Fails only when storage fails.
PgRecordPtr MakePgSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done = {});

// The same rows for a cluster owner: events of ONE tenant, stored only when
// this instance still holds its lease at `lease_epoch` inside the batch;
// otherwise nothing of them is and `done` gets FailedPrecondition (the rest
// of the batch is not affected). On a single node, as above.
PgRecordPtr MakePgFencedSessionEventsRecord(std::vector<SessionEvent> events, std::uint64_t lease_epoch,
                                            SessionEventsDone done);

}  // namespace routerd::storage
