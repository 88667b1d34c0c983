// What the wallboard shows, computed from a tenant's routing state: per skill
// queue the waiting sessions and the agents' readiness and room, per agent its
// state, load and effective cap; and WaitingHistory, the recent waiting counts
// behind the sparklines.
//
// CaptureTenant reads a TenantRouter, so it runs on the tenant's shard thread
// (ShardSet Post): the snapshot is consistent, taken between two routing steps.
// Everything else is plain data.
//
// Thread safety: pure functions; a WaitingHistory belongs to one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/queue_load.h"
#include "engine/routing/tenant_router.h"

namespace routerd::console {

using routing::LoadOfQueue;
using routing::QueueLoad;

// The tenant's state now, as the members of a JSON object:
// "queues":[{"id","media","waiting","oldest_wait_ms","agents_signed_in","agents_ready","agents_at_cap",
// "free_capacity"}...],"agents":[{"employee_id","name","agent_type","ou","state","active_sessions",
// "effective_cap","cap_origin"[,"cap_origin_ou"]}...]
// and the waiting count of each queue (for the history). `config` gives the
// agents' names and OUs.
struct TenantCapture {
  std::string members;
  std::vector<std::uint32_t> waiting;  // by queue index
  std::vector<std::string> queue_ids;  // by queue index; empty for a removed queue
};
TenantCapture CaptureTenant(const routing::TenantRouter& tenant, const config::TenantConfig& config,
                            std::int64_t now_ns);
// Only the waiting counts, per queue (cheap: for the history of tenants no one watches).
std::vector<std::uint32_t> WaitingCounts(const routing::TenantRouter& tenant);

// The most sessions that waited in each queue, per time bucket (bucket_ms
// wide, aligned to the Unix epoch), for the last `buckets` buckets. The
// maximum rather than the last sample, so that a short burst between two
// samples still shows.
class WaitingHistory {
 public:
  WaitingHistory(std::size_t queues, std::int64_t bucket_ms, std::size_t buckets);

  // A sample taken at `at_ms` (wall clock). A sample older than the newest
  // bucket (the clock stepped back) counts in the newest bucket.
  void Record(std::int64_t at_ms, std::span<const std::uint32_t> waiting);

  // "history":{"bucket_ms":..,"end_ms":..,"queues":[{"id":..,"waiting":[..]}..]}: for each queue
  // one value per bucket, oldest first, the last being the bucket of `now_ms`
  // (which ends at end_ms); null where no sample was taken. `queue_ids` by
  // queue index; an empty id (a removed queue) is left out.
  void AppendJson(std::string& out, std::int64_t now_ms, std::span<const std::string> queue_ids) const;

  // The value of `queue` in the bucket holding `at_ms`, if one was recorded.
  std::optional<std::uint32_t> At(std::size_t queue, std::int64_t at_ms) const;
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    std::int64_t index;  // at_ms / bucket_ms
    std::vector<std::uint32_t> max_waiting;
  };
  std::size_t queues_;  // grows with the queues added at run time
  const std::int64_t bucket_ms_;
  const std::size_t capacity_;
  std::deque<Bucket> buckets_;  // ascending index
};

// {"type":"snapshot","tenant":..,"at_ms":..,<members>,<history>}: one push to a wallboard.
std::string SnapshotJson(std::string_view tenant_id, std::int64_t at_ms, std::string_view members,
                         const WaitingHistory& history, std::span<const std::string> queue_ids);

}  // namespace routerd::console
