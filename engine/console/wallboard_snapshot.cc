#include "engine/console/wallboard_snapshot.h"

#include <algorithm>
#include <cstdint>

#include "engine/gateway/gateway_json.h"
#include "engine/http/http_message.h"

namespace routerd::console {
namespace {

using namespace http::json_fields;

// Floor division, so that bucket indices stay aligned before the epoch too.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

TenantCapture CaptureTenant(const routing::TenantRouter& tenant, const config::TenantConfig& config,
                            std::int64_t now_ns) {
  TenantCapture capture;
  std::string& out = capture.members;
  out.reserve(256 + 96 * tenant.queue_count() + 192 * tenant.agent_count());
  out += "\"queues\":[";
  bool first_queue = true;
  for (std::uint32_t q = 0; q < tenant.queue_count(); ++q) {
    const QueueLoad load = LoadOfQueue(tenant, q, now_ns);
    capture.waiting.push_back(load.waiting);
    // A removed queue keeps its index (and its history's column), not its place here.
    capture.queue_ids.emplace_back(tenant.QueueRetired(q) ? std::string_view() : tenant.QueueId(q));
    if (tenant.QueueRetired(q)) continue;
    if (!first_queue) out += ',';
    first_queue = false;
    out += '{';
    Str(out, "id", tenant.QueueId(q));
    out += ',';
    Str(out, "media", tenant.QueueIsVoice(q) ? "voice" : "multimedia");
    out += ',';
    Num(out, "waiting", load.waiting);
    out += ',';
    Num(out, "oldest_wait_ms", load.oldest_wait_ms);
    out += ',';
    Num(out, "agents_signed_in", load.agents_signed_in);
    out += ',';
    Num(out, "agents_ready", load.agents_ready);
    out += ',';
    Num(out, "agents_at_cap", load.agents_at_cap);
    out += ',';
    Num(out, "agents_in_wrap_up", load.agents_in_wrap_up);
    out += ',';
    Num(out, "free_capacity", load.free_capacity);
    out += ',';
    gateway::AppendQueueStatistics(out, tenant.Statistics(q));
    out += '}';
  }
  out += "],\"agents\":[";
  bool first = true;
  for (std::uint32_t a = 0; a < tenant.agent_count(); ++a) {
    if (tenant.AgentRetired(a)) continue;  // removed by a reload
    const routing::AgentView agent = tenant.Agent(a);
    // The router keeps the configuration's agent order; the check only
    // guards the names against a mismatch.
    const config::AgentConfig* configured =
        a < config.agents.size() && config.agents[a].employee_id == agent.employee_id ? &config.agents[a] : nullptr;
    if (!first) out += ',';
    first = false;
    out += '{';
    Str(out, "employee_id", agent.employee_id);
    out += ',';
    Str(out, "name", configured ? std::string_view(configured->name) : std::string_view());
    out += ',';
    Str(out, "agent_type", config::AgentTypeName(agent.type));
    out += ',';
    Str(out, "ou", configured ? std::string_view(configured->ou) : std::string_view());
    out += ',';
    Str(out, "state", routing::AgentStateName(agent.state));
    if (!agent.not_ready_reason.empty()) {
      out += ',';
      Str(out, "not_ready_reason", agent.not_ready_reason);
    }
    out += ',';
    Num(out, "active_sessions", static_cast<std::int64_t>(agent.session_slots.size()));
    out += ',';
    Num(out, "wrap_ups", static_cast<std::int64_t>(agent.wrap_ups.size()));
    out += ',';
    Num(out, "effective_cap", agent.cap.cap);
    out += ',';
    Str(out, "cap_origin", routing::CapOriginName(agent.cap.origin));
    if (agent.cap.origin == routing::CapOrigin::kOu) {
      out += ',';
      Str(out, "cap_origin_ou", tenant.OuId(agent.cap.ou));
    }
    gateway::AppendChannelKindCaps(out, tenant, agent);
    out += '}';
  }
  out += ']';
  return capture;
}

std::vector<std::uint32_t> WaitingCounts(const routing::TenantRouter& tenant) {
  std::vector<std::uint32_t> waiting(tenant.queue_count());
  for (std::uint32_t q = 0; q < tenant.queue_count(); ++q) waiting[q] = tenant.Queue(q).waiting;
  return waiting;
}

WaitingHistory::WaitingHistory(std::size_t queues, std::int64_t bucket_ms, std::size_t buckets)
    : queues_(queues), bucket_ms_(bucket_ms), capacity_(buckets) {}

void WaitingHistory::Record(std::int64_t at_ms, std::span<const std::uint32_t> waiting) {
  std::int64_t index = FloorDiv(at_ms, bucket_ms_);
  if (!buckets_.empty() && index < buckets_.back().index) index = buckets_.back().index;
  if (buckets_.empty() || buckets_.back().index != index) {
    buckets_.push_back(Bucket{index, std::vector<std::uint32_t>(queues_, 0)});
  }
  // Queues added at run time come last.
  queues_ = std::max(queues_, waiting.size());
  std::vector<std::uint32_t>& max = buckets_.back().max_waiting;
  if (max.size() < queues_) max.resize(queues_, 0);
  for (std::size_t q = 0; q < waiting.size(); ++q) max[q] = std::max(max[q], waiting[q]);
  while (!buckets_.empty() && buckets_.front().index <= index - static_cast<std::int64_t>(capacity_)) {
    buckets_.pop_front();
  }
}

std::optional<std::uint32_t> WaitingHistory::At(std::size_t queue, std::int64_t at_ms) const {
  const std::int64_t index = FloorDiv(at_ms, bucket_ms_);
  for (const Bucket& b : buckets_) {
    if (b.index == index && queue < b.max_waiting.size()) return b.max_waiting[queue];
  }
  return std::nullopt;
}

void WaitingHistory::AppendJson(std::string& out, std::int64_t now_ms, std::span<const std::string> queue_ids) const {
  const std::int64_t last = std::max(FloorDiv(now_ms, bucket_ms_), buckets_.empty() ? INT64_MIN : buckets_.back().index);
  const std::int64_t first = last - static_cast<std::int64_t>(capacity_) + 1;
  out += "\"history\":{";
  Num(out, "bucket_ms", bucket_ms_);
  out += ',';
  Num(out, "end_ms", (last + 1) * bucket_ms_);
  out += ",\"queues\":[";
  bool listed = false;
  for (std::size_t q = 0; q < queue_ids.size(); ++q) {
    if (queue_ids[q].empty()) continue;  // removed
    if (listed) out += ',';
    listed = true;
    out += '{';
    Str(out, "id", queue_ids[q]);
    out += ",\"waiting\":[";
    auto it = std::lower_bound(buckets_.begin(), buckets_.end(), first,
                               [](const Bucket& b, std::int64_t i) { return b.index < i; });
    for (std::int64_t i = first; i <= last; ++i) {
      if (i != first) out += ',';
      if (it != buckets_.end() && it->index == i && q < it->max_waiting.size()) {
        out += std::to_string(it->max_waiting[q]);
        ++it;
      } else {
        out += "null";
      }
    }
    out += "]}";
  }
  out += "]}";
}

std::string SnapshotJson(std::string_view tenant_id, std::int64_t at_ms, std::string_view members,
                         const WaitingHistory& history, std::span<const std::string> queue_ids) {
  std::string out;
  out.reserve(members.size() + 128 + queue_ids.size() * 900);
  out += "{\"type\":\"snapshot\",";
  Str(out, "tenant", tenant_id);
  out += ',';
  Num(out, "at_ms", at_ms);
  out += ',';
  out += members;
  out += ',';
  history.AppendJson(out, at_ms, queue_ids);
  out += '}';
  return out;
}

}  // namespace routerd::console
