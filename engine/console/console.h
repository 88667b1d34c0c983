// Console: the web console the daemon serves itself: the
// leave-message page and the live wallboard, from static assets built into the
// binary (embed_assets.cmake), plus the wallboard's push feed.
//
// Routes (everything under "/console", and "/" which redirects there):
//   GET /console/, /console/<file>     the pages, scripts and styles (StaticAssets)
//   GET /console/api/session           who the bearer token is: tenant, role and
//                                      leave-message permissions (which buttons to show)
//   GET /console/api/agents            the tenant's agents with names and business
//                                      accounts, for the allocate dialog (permission
//                                      `allocate`)
//   GET /console/api/wallboard         WebSocket: the wallboard's snapshots
//                                      (WallboardSession, WallboardHub)
// The leave-message page itself talks to /api/v1/messages.
//
// Thread safety: Handle from any I/O thread; feed() is called on shard threads.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "engine/config/config.h"
#include "engine/console/static_assets.h"
#include "engine/console/wallboard_hub.h"
#include "engine/gateway/auth.h"
#include "engine/http/request_handler.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"
#include "engine/leave/agent_idle.h"
#include "routerd/clock.h"

namespace routerd::console {

class Console {
 public:
  // Every argument must outlive the console.
  Console(const config::Config& config, shard::ShardSet& shards, const gateway::Authenticator& auth,
          const Clock& clock);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Added to the daemon's routing-event fan-out before the shards start.
  routing::RoutingEventSink* feed();
  // After the shards have started / before the HTTP server stops: Stop closes
  // every wallboard connection (they are not requests in flight, so the
  // server would wait for them forever) and refuses new ones.
  void Start();
  void Stop();

  // `path` is the whole path: "/" or "/console...".
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           http::RequestContext& ctx);

  const WallboardHub& hub() const { return *hub_; }
  // Closes the wallboards opened with a revoked or removed token. Any thread.
  void CloseWallboardsOfToken(std::string_view tenant_id, std::uint64_t token_serial) {
    hub_->CloseToken(tenant_id, token_serial);
  }

  // Before Start: what the router last reported of an agent, so that the
  // session tells an agent whether it is idle (the Call button's state).
  void SetAgentActivity(leave::AgentActivityLookup activity) { activity_ = std::move(activity); }

 private:
  class Feed;
  http::HttpResponse Session(const http::HttpRequest& request) const;
  http::HttpResponse Agents(const http::HttpRequest& request) const;
  std::optional<http::HttpResponse> Wallboard(http::HttpRequest& request, http::RequestContext& ctx);

  const config::Config& config_;
  shard::ShardSet& shards_;
  const gateway::Authenticator& auth_;
  const Clock& clock_;
  const StaticAssets assets_;
  std::unique_ptr<WallboardHub> hub_;
  std::unique_ptr<Feed> feed_;
  leave::AgentActivityLookup activity_;
};

}  // namespace routerd::console
