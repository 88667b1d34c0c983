// Journal reads of one partition: what a restart needs (LoadOpenState), the
// durable dedup check and a session's kept route trace. They run on a read
// connection and never wait for the writer.
//
// LoadOpenState folds the partition's event log in write order (opened,
// contacts added, assigned, requeued, ended) into the sessions still open,
// then reads the contact log once for their contacts and the pending ones:
// keyed contacts that no session event names (routed or kept in a leave
// message).
//
// Thread safety: each call uses the given ReadConnection, which must not be in
// use by another thread meanwhile.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

// One consistent snapshot of the partition. With `indexes`, also builds
// what the partition's writer indexes when it starts, from the same reads
// (JournalWriter::Preload).
StatusOr<OpenState> LoadOpenState(ReadConnection& rc, WriterIndexes* indexes = nullptr);
StatusOr<OpenState> LoadOpenState(Database& db, WriterIndexes* indexes = nullptr);

// True when (channel_id, provider_message_id) is stored: a provider retry of
// something already accepted. The authoritative check-and-insert is the
// AcceptedContacts record (ContactWrite::kDuplicate); this is a read-only
// look-up that reads the whole contact log (the keys are indexed only in the
// writer's memory): for tests and tools, not for a request path.
StatusOr<bool> ContainsContactKey(ReadConnection& rc, std::string_view channel_id,
                                  std::string_view provider_message_id);

// The newest route trace kept for the session (a kTrace row), or nullopt.
// One look-up in the partial index session_events_traces (schema 6):
// kSessionTraceSql, ?1 the tenant, ?2 the session. `kind = 7` is written out,
// not bound: SQLite uses a partial index only for a WHERE that implies the
// index's own. Public so that a test can check the plan.
inline constexpr std::string_view kSessionTraceSql =
    "SELECT at_ms, detail FROM session_events WHERE tenant_id = ?1 AND session_id = ?2 AND kind = 7"
    " ORDER BY seq DESC LIMIT 1";
StatusOr<std::optional<StoredSessionTrace>> LoadSessionTrace(ReadConnection& rc, std::string_view tenant_id,
                                                             std::uint64_t session_id);

}  // namespace routerd::storage
