// The route traces of a tenant's ended sessions, kept for an administrator's
// query (TenantRouter::RouteOf, EndedSession): a ring of `limit` entries
// written in order, each dropped after `retention_ns` or when the ring comes
// round to it. An entry is written once per ended session and read only by a
// query, so the ring is searched by a scan of its session ids, newest first:
// an index written at random would cost the router more than the scan costs
// the query.
//
// Thread safety: none; its tenant router's shard thread.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/routing/tenant_router_views.h"
#include "routerd/contact.h"

namespace routerd::routing {

struct EndedTrace {
  std::uint32_t channel = 0;
  std::int64_t arrival_ns = 0;
  std::int64_t ended_ns = 0;
  ContactPtr first;
  // A traced session's hops, then `last`; an untraced one's are its arrival
  // in its channel's queue, `trace` when it was assigned (then `last` names
  // its agent), then `last`.
  std::vector<RouteHop> hops;
  RouteHop last;
  RouteTrace trace;
};

class EndedTraces {
 public:
  EndedTraces(std::uint32_t limit, std::int64_t retention_ns) : limit_(limit), retention_ns_(retention_ns) {}

  // The entry for session `session_id` to fill, in place of the oldest when
  // the ring is full; nullptr when none are kept (a limit of 0).
  EndedTrace* Add(std::uint64_t session_id);
  // Drops the entries of sessions that ended retention_ns or more before now_ns.
  void Expire(std::int64_t now_ns);
  const EndedTrace* Find(std::uint64_t session_id) const;
  bool empty() const { return count_ == 0; }
  // None kept, and the ring's memory released (it comes back with the next Add).
  void Clear();

 private:
  // The ring position of the entry `back` places before the next one written.
  std::uint32_t Back(std::uint32_t back) const { return (next_ + limit_ - back) % limit_; }

  const std::uint32_t limit_;
  const std::int64_t retention_ns_;
  std::vector<EndedTrace> entries_;
  std::vector<std::uint64_t> ids_;  // session id of each entry, 0: free
  std::uint32_t next_ = 0;          // the oldest entry once the ring is full
  std::uint32_t count_ = 0;
};

}  // namespace routerd::routing
