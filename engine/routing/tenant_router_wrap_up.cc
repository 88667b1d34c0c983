// After-contact work: the unit of capacity a closed session leaves taken for
// its queue's wrap_up_seconds, or until the agent ends the work.
#include <algorithm>
#include <functional>

#include "engine/routing/tenant_router.h"

namespace routerd::routing {

void TenantRouter::StartWrapUp(std::uint32_t agent, std::uint64_t session_id, std::uint32_t queue,
                               std::uint8_t kind, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  const std::int64_t until_ns = now_ns + queues_[queue]->wrap_up_ns;
  a.wrap_ups.push_back(WrapUp{session_id, until_ns, queue, kind});
  a.wrap_up_count = static_cast<std::uint8_t>(a.wrap_ups.size());
  ++live_wrap_ups_;
  wrap_up_deadlines_.push_back(WrapUpDeadline{until_ns, next_wrap_up_seq_++, session_id, agent});
  std::push_heap(wrap_up_deadlines_.begin(), wrap_up_deadlines_.end(), std::greater<>());
  // Work ended early leaves its deadline behind; once those outnumber the live
  // ones, drop them, so the heap stays within twice the work in progress.
  if (wrap_up_deadlines_.size() > 2 * static_cast<std::size_t>(live_wrap_ups_) + 64) {
    std::erase_if(wrap_up_deadlines_, [this](const WrapUpDeadline& d) {
      const auto& held = agents_[d.agent].wrap_ups;
      return std::none_of(held.begin(), held.end(), [&](const WrapUp& w) { return w.session_id == d.session_id; });
    });
    std::make_heap(wrap_up_deadlines_.begin(), wrap_up_deadlines_.end(), std::greater<>());
  }
}

bool TenantRouter::EndWrapUps(std::uint32_t agent, std::uint64_t session_id, std::int64_t now_ns) {
  AgentSlot& a = agents_[agent];
  const std::uint64_t full_before = FullMask(agent);
  const std::size_t ended = std::erase_if(a.wrap_ups, [&](const WrapUp& w) {
    if (session_id != 0 && w.session_id != session_id) return false;
    CountKindUnit(agent, w.kind, -1);
    return true;
  });
  if (ended == 0) return false;
  a.wrap_up_count = static_cast<std::uint8_t>(a.wrap_ups.size());
  live_wrap_ups_ -= static_cast<std::uint32_t>(ended);
  NoteFreedCapacity(agent, full_before, now_ns);
  Reindex(agent);
  EmitAgentState(agent);
  DispatchAgentQueues(agent, now_ns);
  return true;
}

void TenantRouter::ExpireWrapUps(std::int64_t now_ns) {
  while (!wrap_up_deadlines_.empty() && wrap_up_deadlines_.front().until_ns <= now_ns) {
    std::pop_heap(wrap_up_deadlines_.begin(), wrap_up_deadlines_.end(), std::greater<>());
    const WrapUpDeadline due = wrap_up_deadlines_.back();
    wrap_up_deadlines_.pop_back();
    // Stale when the agent ended it early or signed out; session ids are
    // never reused, so the id alone says whether it is still held.
    EndWrapUps(due.agent, due.session_id, now_ns);
  }
}

}  // namespace routerd::routing
