#include "engine/routing/queue_load.h"

#include <algorithm>

namespace routerd::routing {

QueueLoad LoadOfQueue(const TenantRouter& tenant, std::uint32_t queue, std::int64_t now_ns) {
  QueueLoad load;
  const TenantRouter::QueueStats stats = tenant.Queue(queue);
  load.waiting = stats.waiting;
  load.oldest_wait_ms = stats.waiting ? std::max<std::int64_t>(0, (now_ns - stats.oldest_enqueued_ns) / 1'000'000) : 0;
  for (std::uint32_t m = 0; m < tenant.QueueMemberCount(queue); ++m) {
    const TenantRouter::AgentView agent = tenant.Agent(tenant.QueueMember(queue, m));
    if (agent.state == AgentState::kSignedOut) continue;
    ++load.agents_signed_in;
    const std::uint32_t taken = agent.load();
    if (taken >= agent.cap.cap) ++load.agents_at_cap;
    if (!agent.wrap_ups.empty()) ++load.agents_in_wrap_up;
    if (agent.state != AgentState::kReady) continue;
    ++load.agents_ready;
    if (agent.type != config::AgentType::kVoice && taken < agent.cap.cap) load.free_capacity += agent.cap.cap - taken;
  }
  return load;
}

}  // namespace routerd::routing
