// Route traces: every hop of a session, kept while it is open and, for a
// bounded number of ended sessions, after. See the note in tenant_router.h.
#include "engine/routing/tenant_router.h"

#include <cassert>
#include <utility>

namespace routerd::routing {
namespace {

// The hops of a session that wrote none: it arrived in its channel's queue
// `first_queue` and, when `agent` is set, was assigned once as `trace` says.
void AppendUntracedHops(std::vector<routing::RouteHop>& hops, std::uint32_t first_queue,
                        std::int64_t arrival_ns, const routing::RouteTrace& trace, std::uint32_t agent) {
  routing::RouteHop entered;
  entered.at_ns = arrival_ns;
  entered.kind = routing::HopKind::kEntered;
  entered.queue = first_queue;
  hops.push_back(entered);
  if (agent == kNone) return;
  routing::RouteHop assigned;
  assigned.at_ns = arrival_ns + trace.waited_ns;
  assigned.kind = routing::HopKind::kAssigned;
  assigned.queue = trace.queue;
  assigned.agent = agent;
  assigned.detail = trace.transferred ? 1 : 0;
  assigned.cap = static_cast<std::uint8_t>(trace.cap.cap);
  assigned.cap_origin = trace.cap.origin;
  hops.push_back(assigned);
}

}  // namespace

std::string_view HopKindName(HopKind k) {
  switch (k) {
    case HopKind::kEntered: return "entered";
    case HopKind::kReserved: return "waiting_for_agent";
    case HopKind::kWaitEnded: return "stopped_waiting_for_agent";
    case HopKind::kAssigned: return "assigned";
    case HopKind::kOverflowed: return "overflowed";
    case HopKind::kTransferred: return "transferred";
    case HopKind::kRequeued: return "requeued";
    case HopKind::kEnded: return "ended";
    case HopKind::kLeaveMessage: return "leave_message";
  }
  return "entered";
}

std::vector<routing::RouteHop>& TenantRouter::TraceOf(std::uint32_t slot) {
  SessionSlot& s = sessions_[slot];
  if (s.traced) return traced_hops_[slot];
  std::vector<RouteHop>& hops = traced_hops_[slot];
  hops = HopsOfOpen(s, slot);
  s.traced = true;
  return hops;
}

void TenantRouter::NoteHop(std::uint32_t slot, RouteHop hop) { TraceOf(slot).push_back(hop); }

std::vector<routing::RouteHop> TenantRouter::HopsOfOpen(const SessionSlot& s, std::uint32_t slot) const {
  if (s.traced) return traced_hops_.at(slot);
  std::vector<RouteHop> hops;
  AppendUntracedHops(hops, channel_queue_[s.channel], s.arrival_ns, s.trace, s.agent);
  return hops;
}

void TenantRouter::KeepEndedTrace(std::uint32_t slot, RouteHop last, std::int64_t now_ns) {
  SessionSlot& s = sessions_[slot];
  std::vector<RouteHop> hops;
  if (s.traced) {
    auto node = traced_hops_.extract(slot);
    hops = std::move(node.mapped());
    s.traced = false;
  }
  EndedTrace* e = ended_.Add(s.id);
  if (e == nullptr) return;  // none kept
  e->channel = s.channel;
  e->arrival_ns = s.arrival_ns;
  e->ended_ns = now_ns;
  e->first = std::move(s.first);  // the slot is freed next
  e->hops = std::move(hops);
  e->last = last;
  e->trace = s.trace;
}

std::optional<routing::EndedSessionView> TenantRouter::EndedSession(std::uint64_t session_id) const {
  const EndedTrace* e = ended_.Find(session_id);
  if (e == nullptr) return std::nullopt;
  return EndedSessionView{session_id, e->channel, e->arrival_ns, e->ended_ns, &e->first};
}

std::optional<std::vector<routing::RouteHop>> TenantRouter::RouteOf(std::uint64_t session_id) const {
  const std::uint32_t slot = static_cast<std::uint32_t>(session_id & (kMaxOpenSessions - 1));
  if (session_id != 0 && slot < sessions_.size() && sessions_[slot].id == session_id) {
    return HopsOfOpen(sessions_[slot], slot);
  }
  const EndedTrace* e = ended_.Find(session_id);
  if (e == nullptr) return std::nullopt;
  std::vector<RouteHop> hops = e->hops;
  if (hops.empty()) {
    AppendUntracedHops(hops, channel_queue_[e->channel], e->arrival_ns, e->trace, e->last.agent);
  }
  hops.push_back(e->last);
  return hops;
}

}  // namespace routerd::routing
