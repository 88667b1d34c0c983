#include "engine/routing/tenant_router.h"

#include <algorithm>
#include <cassert>

namespace routerd::routing {

routing::AgentView TenantRouter::Agent(std::uint32_t agent) const {
  const AgentSlot& a = agents_[agent];
  return {a.employee_id,
          a.type,
          a.state,
          a.not_ready_reason != 0 ? std::string_view(not_ready_reasons_[a.not_ready_reason - 1]) : std::string_view(),
          a.cap,
          std::span<const std::uint32_t>(a.sessions.begin(), a.sessions.size()),
          std::span<const WrapUp>(a.wrap_ups),
          &agent_skills_[agent],
          std::span<const KindLoad>(KindsOf(agent), kind_count_),
          a.own_cap,
          a.own_cap_personal};
}

routing::SessionView TenantRouter::SessionAtSlot(std::uint32_t slot) const {
  const SessionSlot& s = sessions_[slot];
  return {s.id,
          s.channel,
          queues_[s.queue]->base,
          s.agent,
          s.arrival_ns,
          s.enqueued_ns,
          s.last_activity_ns,
          s.history.size(),
          PriorityIn(s, s.queue),
          s.priority_override != kNoPriority               ? PriorityOrigin::kSession
          : channel_priority_[s.channel] != kNoPriority ? PriorityOrigin::kChannel
                                                        : PriorityOrigin::kQueue,
          &s.first,
          &s.trace,
          &s.history,
          s.preferred_agent,
          s.preference,
          s.preference_outcome,
          s.reserved};
}

std::optional<routing::SessionView> TenantRouter::Session(std::uint64_t session_id) const {
  const std::uint32_t slot = static_cast<std::uint32_t>(session_id & (kMaxOpenSessions - 1));
  if (session_id == 0 || slot >= sessions_.size() || sessions_[slot].id != session_id) return std::nullopt;
  return SessionAtSlot(slot);
}

routing::QueueStats TenantRouter::Queue(std::uint32_t queue) const {
  const QueueState& base = *queues_[queue];
  QueueStats stats;
  const WaitEntry* next = nullptr;
  for (std::uint32_t lane : base.lanes) {
    const QueueState& qs = *queues_[lane];
    if (qs.waiting.empty()) continue;
    stats.waiting += qs.waiting.size();
    if (next == nullptr || WaitLess()(qs.waiting.top(), *next)) next = &qs.waiting.top();
  }
  if (next != nullptr) stats.oldest_arrival_ns = sessions_[next->slot].arrival_ns;
  stats.reserved = base.reserved;
  stats.waiting += base.reserved;
  // The queue's deadline list is in order of entry into the queue.
  if (base.wait_head != kNone) stats.oldest_enqueued_ns = sessions_[base.wait_head].enqueued_ns;
  // Every agent eligible in a skill lane is eligible in the first lane too.
  stats.eligible_agents = base.eligible.size();
  return stats;
}

std::vector<std::uint64_t> TenantRouter::WaitingInOrder(std::uint32_t queue, std::size_t limit) const {
  std::vector<WaitEntry> entries;
  for (std::uint32_t lane : queues_[queue]->lanes) {
    queues_[lane]->waiting.ForEach([&](const WaitEntry& e) { entries.push_back(e); });
  }
  const std::size_t n = std::min(limit, entries.size());
  std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(n), entries.end(), WaitLess());
  entries.resize(n);
  std::vector<std::uint64_t> ids;
  for (const WaitEntry& e : entries) ids.push_back(sessions_[e.slot].id);
  return ids;
}

std::optional<std::uint32_t> TenantRouter::FindAgent(std::string_view employee_id) const {
  auto it = agent_by_employee_.find(employee_id);
  return it == agent_by_employee_.end() ? std::nullopt : std::optional<std::uint32_t>(it->second);
}

std::optional<std::uint32_t> TenantRouter::FindOu(std::string_view ou_id) const {
  std::uint32_t i = IndexOf(ou_ids_, ou_id);
  return i == kNone || ou_retired_[i] ? std::nullopt : std::optional<std::uint32_t>(i);
}

std::optional<std::uint32_t> TenantRouter::FindChannel(std::string_view channel_id) const {
  std::uint32_t i = IndexOf(channel_ids_, channel_id);
  return i == kNone || channel_retired_[i] ? std::nullopt : std::optional<std::uint32_t>(i);
}

}  // namespace routerd::routing
