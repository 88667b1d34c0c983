// Storage: what the engine needs from durable storage, and nothing of how a
// backend provides it. The daemon opens one with OpenStorage(); ingest, the
// session journal, the leave-message feature, run-time administration and
// recovery use only this interface. Nothing outside a backend's own folder (storage/sqlite/) includes
// a database header or writes SQL.
//
// Contract every backend keeps:
//   - Appends never block on disk: they queue and return at once with OK,
//     ResourceExhausted (full: the webhook answers 503 and the provider
//     retries) or Unavailable (stopping or storage down). An accepted append
//     completes exactly once, on a storage thread, after the commit that holds
//     it (OK) or with the error that kept it out (nothing of it stored).
//   - Per tenant, appends are stored in the order they were made: a contact is
//     stored before the session event that names it when the contact's append
//     happened first (the I/O thread appends, then hands the contact to the
//     router, which appends the session event). Across tenants there is no
//     order; recovery needs none.
//   - Completions must be quick and must not block: hand results to an
//     io_context. Flush() never from a completion.
//   - The leave-message repository checks every transition against the stored
//     status inside the write, so two concurrent operations cannot both pass.
//
// Thread safety: Append*, leave_messages(), stats() from any thread once
// Start() returned OK; Start/Stop/Flush/LoadOpenState/LoadSessionTrace from a
// thread that is not a storage thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/storage/administration.h"
#include "engine/storage/cluster_store.h"
#include "engine/leave/leave_repository.h"
#include "engine/storage/storage_types.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

struct StorageOptions {
  // "sqlite" (the embedded default) or "postgresql".
  std::string backend = "sqlite";
  // REQUIRED for sqlite. Created, with its parents, when missing.
  std::string data_dir;
  // REQUIRED for postgresql: a libpq connection URL or key=value string.
  std::string url;
  // Default: 1. Independent journal writers, each with its own thread and
  // database file (sqlite) or connection (postgresql). Every record of a tenant goes to the tenant's partition,
  // which is recorded when the tenant is first stored and never changes.
  int partitions = 1;
  // The configured tenants, in configuration order: tenants not yet stored
  // are given a partition at open (the one holding the fewest tenants).
  std::vector<std::string> tenants;
  // sync: the provider's 2xx waits for the commit; async: commits are spaced
  // out (at most every 10 ms) since nobody waits for them.
  config::Durability durability = config::Durability::kSync;
  // Default: 65536 records queued per partition at most; ingress (webhook
  // contacts) is refused from three quarters of it.
  std::size_t queue_capacity = 65536;
  // Default: 7 days, the longest provider retry horizon: dedup keys and
  // ended sessions are kept that long.
  std::int64_t retention_ms = 604'800'000;
  // Default: 60 s. 0: prune only on RequestPrune().
  std::int64_t prune_interval_ms = 60'000;
  // Default: 20 MiB. Larger voice files are refused.
  std::size_t max_voice_bytes = 20u << 20;
  // Default: true. Check each database file's integrity at open.
  bool quick_check = true;
  // postgresql only. Set in cluster mode: this instance's id. Journal batches
  // then check lease epochs (AppendSessionEvents, AcceptedContacts) and
  // contacts of tenants not routed here go to the owner's inbox.
  std::string cluster_instance_id;
  // Cluster mode: the lease length. Every session of this instance then
  // bounds how long it may sit idle inside a transaction, and the lease
  // loop how long it waits for a lock, by it (PgStorage says how).
  std::int64_t cluster_lease_ms = 0;
};

class Storage {
 public:
  using PruneDone = std::function<void(StatusOr<PruneResult>)>;

  virtual ~Storage() = default;

  // Starts the writer threads. Appends made before are written first.
  virtual Status Start() = 0;
  // Refuses new appends, writes everything already accepted, joins the
  // threads. Idempotent.
  virtual void Stop() = 0;
  // Blocks until everything appended before the call has completed.
  virtual Status Flush() = 0;

  // One webhook request's contacts, all or none (ingress: refused first when
  // the tenant's partition fills up).
  virtual Status AppendContacts(AcceptedContacts record, AcceptedContactsDone done) = 0;
  // A router batch's session events, possibly of several tenants. Each
  // partition's part is accepted all or none; when the call returns an error,
  // the parts of other partitions may still be stored (recovery ignores
  // events of sessions it does not know). `done` (optional) runs exactly
  // once, after every part has completed or been refused, with the first
  // error.
  virtual Status AppendSessionEvents(std::vector<SessionEvent> events, SessionEventsDone done = {}) = 0;
  // Cluster mode: a router batch's events of ONE tenant whose lease this
  // instance holds at `lease_epoch` (> 0). Stored only when the lease is still
  // held at that epoch inside the commit; otherwise nothing of them is and
  // `done` gets FailedPrecondition ("lease lost"). Backends without cluster
  // support ignore the epoch.
  virtual Status AppendFencedSessionEvents(std::vector<SessionEvent> events, std::uint64_t lease_epoch,
                                           SessionEventsDone done) {
    (void)lease_epoch;
    return AppendSessionEvents(std::move(events), std::move(done));
  }

  virtual leave::LeaveRepository& leave_messages() = 0;
  virtual AdministrationRepository& administration() = 0;
  // Cluster mode's leases and inbox; nullptr for a backend that cannot be
  // shared (sqlite).
  virtual ClusterStore* cluster() { return nullptr; }

  // The route trace kept for session `session_id` of `tenant_id`
  // (SessionTraceKept; the newest when several were), or nullopt when none is
  // stored (never kept, a tenant never stored, or pruned with the session's
  // other events after the retention time). Blocking: it reads through the
  // backend's reader connections (waiting for a free one), so call it from a
  // thread of its own, never from an I/O, router or storage thread.
  virtual StatusOr<std::optional<StoredSessionTrace>> LoadSessionTrace(const std::string& tenant_id,
                                                                        std::uint64_t session_id) = 0;

  // One consistent snapshot per partition of what a restart needs.
  // REQUIRES: before Start(), or with no appends in flight.
  virtual StatusOr<OpenState> LoadOpenState() = 0;

  // A full prune (as many bounded passes as needed) of every partition, with
  // the cutoff taken when each begins; `done` gets the totals.
  virtual void RequestPrune(PruneDone done) = 0;

  virtual JournalStats stats() const = 0;
  // Why storage cannot take writes now (its server is unreachable and being
  // reconnected), or empty when it can. Quick; from any thread.
  virtual std::string Degraded() const { return {}; }
  // For the start-up log line: backend, location, partitions.
  virtual std::string Describe() const = 0;
};

// Opens (creating when missing) the configured backend and brings its schema
// up to date. A store that is corrupt, truncated or newer than this build is
// refused with a Status that names it and says what to do; it is never reset.
StatusOr<std::unique_ptr<Storage>> OpenStorage(const StorageOptions& options, const Clock& clock);

}  // namespace routerd::storage
