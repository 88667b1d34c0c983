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
// Cluster mode (SetOwnerCheck): the pages are served by every instance; the
// API of a tenant that another instance routes answers 307 to it (503 while
// no instance does) once the token is known good, as /api/v1 does, and its
// wallboard is closed with 4004 and the owner's URL (owner_check.h). Only
// /console/api/session answers on any instance, saying where the tenant is
// routed (`routed_here`, `owner`): a page cannot read where a 307 points
// (fetch hides the Location of a redirect it does not follow, and following
// it to another origin is refused by the page's CSP and drops the token), so
// that is how it learns where to go.
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
#include "engine/gateway/owner_check.h"
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
  // A tenant a reload added: its wallboard from now on. From the reload.
  void AddTenant(const config::TenantConfig& tenant) { hub_->AddTenant(tenant); }
  // Closes the wallboards opened with a revoked or removed token. Any thread.
  void CloseWallboardsOfToken(std::string_view tenant_id, std::uint64_t token_serial) {
    hub_->CloseToken(tenant_id, token_serial);
  }

  // Cluster mode: which tenants this instance routes. Before Start; without
  // one, every tenant is routed here.
  void SetOwnerCheck(gateway::OwnerCheck check) { owner_check_ = std::move(check); }
  // Closes the tenant's wallboards with 4004 and `owner_url` as the reason
  // ("owner unknown: reconnect" when empty or too long): another instance
  // routes the tenant now. How many. Any thread.
  std::size_t CloseTenantWallboards(std::string_view tenant_id, std::string_view owner_url);

  // Before Start: what the router last reported of an agent, so that the
  // session tells an agent whether it is idle (the Call button's state).
  void SetAgentActivity(leave::AgentActivityLookup activity) { activity_ = std::move(activity); }

 private:
  class Feed;
  http::HttpResponse Session(const http::HttpRequest& request) const;
  http::HttpResponse Agents(const http::HttpRequest& request) const;
  std::optional<http::HttpResponse> Wallboard(http::HttpRequest& request, http::RequestContext& ctx);
  // Where the caller's tenant is routed, when not here.
  std::optional<gateway::TenantOwner> Elsewhere(const gateway::Principal& who) const;

  const config::Config& config_;
  shard::ShardSet& shards_;
  const gateway::Authenticator& auth_;
  const Clock& clock_;
  const StaticAssets assets_;
  std::unique_ptr<WallboardHub> hub_;
  std::unique_ptr<Feed> feed_;
  leave::AgentActivityLookup activity_;
  gateway::OwnerCheck owner_check_;
};

}  // namespace routerd::console
