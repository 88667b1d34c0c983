// How a request that spans journal partitions is split and completed, the
// same for every backend: a router batch's session events go to their
// tenants' partitions, one part each, and the caller's completion runs once,
// after every part, with OK or the first error.
//
// Thread safety: SplitCompletion::Arrive from any thread, once per part.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "engine/storage/storage_types.h"
#include "routerd/status.h"

namespace routerd::storage {

// Completes a request split over several partitions once every part has:
// with OK, or the first error; `Result` parts are summed with +=.
template <typename Result>
struct SplitCompletion {
  std::atomic<int> remaining{0};
  std::mutex mu;
  Status first_error;  // guarded by mu
  Result totals;       // guarded by mu
  std::function<void(const Status&, const Result&)> done;

  void Arrive(const Status& s, const Result* part) {
    {
      std::lock_guard lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (part != nullptr) totals += *part;
    }
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) done(first_error, totals);
  }
};

struct NoResult {
  NoResult& operator+=(const NoResult&) { return *this; }
};

// Appends `events` to their tenants' partitions. `partition_of(tenant)` gives
// a tenant's partition index (< partitions); `submit(index, events, done)`
// queues one part on that partition. The common case, every event in one
// partition, is one part with the caller's `done`. Each part is accepted all
// or none; when a part is refused the others may still be stored (recovery
// ignores events of sessions it does not know), `done` still runs once, and
// the first refusal is returned.
template <typename PartitionOf, typename Submit>
Status AppendByPartition(std::vector<SessionEvent> events, SessionEventsDone done, std::size_t partitions,
                         PartitionOf partition_of, Submit submit) {
  if (events.empty()) {
    if (done) done(Status::Ok());
    return Status::Ok();
  }
  const std::size_t first = partition_of(TenantOf(events.front()));
  bool single = true;
  for (const SessionEvent& e : events) {
    if (partition_of(TenantOf(e)) != first) {
      single = false;
      break;
    }
  }
  if (single) return submit(first, std::move(events), std::move(done));

  std::vector<std::vector<SessionEvent>> parts(partitions);
  for (SessionEvent& e : events) parts[partition_of(TenantOf(e))].push_back(std::move(e));
  auto split = std::make_shared<SplitCompletion<NoResult>>();
  for (const auto& part : parts) split->remaining += part.empty() ? 0 : 1;
  split->done = [done = std::move(done)](const Status& s, const NoResult&) {
    if (done) done(s);
  };
  Status result;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) continue;
    Status s = submit(i, std::move(parts[i]), [split](const Status& st) { split->Arrive(st, nullptr); });
    if (!s.ok()) {
      split->Arrive(s, nullptr);  // this part will never complete
      if (result.ok()) result = s;
    }
  }
  return result;
}

}  // namespace routerd::storage
