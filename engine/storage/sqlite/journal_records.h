// Journal records of the SQLite backend: accepted contacts and session events
// (storage_types.h), each appended as rows that are never updated, and the
// record that says which tenants a partition holds. Submit them to the
// partition's JournalWriter.
//
// Thread safety: building records is thread-compatible; once submitted a
// record belongs to the writer, and its callback runs on the writer thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "engine/storage/storage_types.h"

namespace routerd::storage {

// The contacts join the batch's contact_log row, each keyed one claiming its
// dedup key; a key already stored (or earlier in the batch) is kDuplicate.
JournalRecordPtr MakeAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done);

// The events join the batch's event_log row (a kept route trace is a
// session_events row of its own): one logged event per event, plus one per
// further contact of an opening and per contact added. Fails only when
// storage fails.
JournalRecordPtr MakeSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done = {});

// Records that this partition holds `tenant_id` (idempotent); `done` gets the
// outcome after the batch.
JournalRecordPtr MakeTenantRecord(std::string tenant_id, std::function<void(const Status&)> done);
// The same, directly on a connection (at open, before the writer runs).
Status RecordTenant(SqliteConnection& conn, const std::string& tenant_id, std::int64_t now_ms);

// Appends one session event to the batch's event_log row, or a trace to
// session_events.
Status AppendSessionEvent(WriteContext& ctx, const SessionEventWrite& row);

}  // namespace routerd::storage
