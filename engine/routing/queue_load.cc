#include "engine/routing/queue_load.h"

#include <algorithm>

namespace routerd::routing {
namespace {

// Units the agent may still take: below its cap, or in per-channel-kind
// access below each kind's cap, within kMaxCap in all.
std::uint32_t Room(const routing::AgentView& agent) {
  const std::uint32_t taken = agent.load();
  if (agent.kinds.empty()) return taken < agent.cap.cap ? agent.cap.cap - taken : 0;
  std::uint32_t room = 0;
  for (const routing::KindLoad& k : agent.kinds) room += k.load < k.cap.cap ? k.cap.cap - k.load : 0;
  const auto most = static_cast<std::uint32_t>(config::kMaxCap);
  return std::min(room, taken < most ? most - taken : 0);
}

}  // namespace

QueueLoad LoadOfQueue(const TenantRouter& tenant, std::uint32_t queue, std::int64_t now_ns) {
  QueueLoad load;
  const routing::QueueStats stats = tenant.Queue(queue);
  load.waiting = stats.waiting;
  load.oldest_wait_ms = stats.waiting ? std::max<std::int64_t>(0, (now_ns - stats.oldest_enqueued_ns) / 1'000'000) : 0;
  tenant.ForEachQueueMember(queue, [&](std::uint32_t member) {
    const routing::AgentView agent = tenant.Agent(member);
    if (agent.state == AgentState::kSignedOut) return;
    ++load.agents_signed_in;
    const std::uint32_t room = Room(agent);
    if (room == 0) ++load.agents_at_cap;
    if (!agent.wrap_ups.empty()) ++load.agents_in_wrap_up;
    if (agent.state != AgentState::kReady) return;
    ++load.agents_ready;
    if (agent.type != config::AgentType::kVoice) load.free_capacity += room;
  });
  return load;
}

}  // namespace routerd::routing
