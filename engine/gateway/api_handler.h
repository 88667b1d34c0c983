// ApiHandler: /api/v1, the agent and tenant-admin API (docs/agent-api.md).
//
// Every request carries a tenant token (auth.h). Agent routes accept the
// agent's own token or the tenant admin's; admin routes only the admin's. No
// or bad token: 401; a valid token for something it may not touch: 403; ids
// of another tenant are simply unknown in the caller's tenant: 404.
// Reads run on the tenant's router shard (Post) and writes go through the
// CommandBroker; both answer later through a DeferredResponse, so an I/O
// thread never waits for a shard. Admin writes are logged with who, what,
// when and their outcome (after the router decided), request bytes escaped.
// A cap change is stored durably before its 200 (CapChanges), so a restart
// keeps it. An agent may change its own cap within its tenant's rules.
// Cluster mode (SetOwnerCheck): once the token is known good, a request for a
// tenant that another instance routes is answered 307 to it (503 while no
// instance does), and its agent WebSocket closed with 4004 (owner_check.h).
// Without a valid token the answer stays 401: which instance routes a
// tenant is not told to strangers.
//
// Thread safety: Handle from any I/O thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/gateway/provisioning_api.h"
#include "engine/gateway/agent_gateway.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/cap_changes.h"
#include "engine/gateway/command_broker.h"
#include "engine/gateway/owner_check.h"
#include "engine/http/request_handler.h"
#include "engine/gateway/token_api.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage_types.h"
#include "routerd/clock.h"

namespace routerd::gateway {

class ApiHandler {
 public:
  // /api/v1/messages/... (the leave-message API), for an authenticated caller;
  // gets the path after "/messages".
  using MessagesRoute = std::function<std::optional<http::HttpResponse>(
      http::HttpRequest&, std::string_view, const Principal&, http::RequestContext&)>;

  // The body a /api/v1/messages request may send, for its authenticated caller
  // (LeaveMessageApi::AdmitBody).
  using MessagesBodyRule = std::function<http::BodyPermit(const http::HttpRequest&, std::string_view,
                                                          const Principal&, std::size_t default_limit)>;

  // `tokens` serves /api/v1/tokens; cap changes go through `caps`, which
  // stores them before they are answered.
  ApiHandler(const Authenticator& auth, shard::ShardSet& shards, CommandBroker& broker, AgentGateway& gateway,
             TokenApi& tokens, CapChanges& caps, const Clock& clock, MessagesRoute messages = {},
             MessagesBodyRule messages_body = {})
      : auth_(auth), shards_(shards), broker_(broker), gateway_(gateway), tokens_(tokens), caps_(caps),
        clock_(clock), messages_(std::move(messages)), messages_body_(std::move(messages_body)) {}

  // Cluster mode: which tenants this instance routes. Set before the server
  // starts; without one, every tenant is routed here.
  void SetOwnerCheck(OwnerCheck check) { owner_check_ = std::move(check); }

  // Reads the route trace that storage keeps of an ended session, on a thread
  // of its own (never an I/O or router thread); `done` may run on any thread.
  using TraceDone = std::function<void(StatusOr<std::optional<storage::StoredSessionTrace>>)>;
  using TraceLookup = std::function<void(std::string tenant_id, std::uint64_t session_id, TraceDone done)>;
  // GET /api/v1/sessions/{id} of a session the router no longer holds asks
  // it. Set before the server starts; without one, such a session is 404.
  void SetTraceLookup(TraceLookup lookup) { trace_lookup_ = std::move(lookup); }
  // POST /api/v1/agents, PUT and DELETE /api/v1/agents/{id}: provisioning.
  // Set before the server starts; without it they are 405.
  void SetProvisioningApi(ProvisioningApi* provisioning) { provisioning_ = provisioning; }

  // Before the body is read: a request that sends one is 401 without a valid
  // token, whatever its route, so that nobody unauthenticated makes the
  // server buffer a body; `path` is the part after "/api/v1".
  http::BodyPermit AdmitBody(const http::HttpRequest& head, std::string_view path, std::size_t default_limit) const;

  // `path` is the part after "/api/v1".
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           http::RequestContext& ctx);

 private:
  std::optional<http::HttpResponse> AgentRoute(http::HttpRequest& request, const Principal& who,
                                               std::string_view employee, std::string_view rest,
                                               http::RequestContext& ctx);
  // /queues and /queues/{id}/waiting (api_queue_route.cc).
  std::optional<http::HttpResponse> QueueRoute(http::HttpRequest& request, const Principal& who,
                                               std::string_view rest, http::RequestContext& ctx);
  // /skill_queues[/{id}] and /channels[/{id}]: their definitions
  // (api_definition_route.cc).
  std::optional<http::HttpResponse> DefinitionRoute(http::HttpRequest& request, const Principal& who,
                                                    ProvisioningApi::Object object, std::string_view rest,
                                                    http::RequestContext& ctx);
  std::optional<http::HttpResponse> SessionRoute(http::HttpRequest& request, const Principal& who,
                                                 std::string_view id, std::string_view rest,
                                                 http::RequestContext& ctx);
  // The 307 or 503 when another instance routes the caller's tenant.
  std::optional<http::HttpResponse> Elsewhere(const http::HttpRequest& request, const Principal& who) const;
  std::optional<http::HttpResponse> Upgrade(http::HttpRequest& request, std::string_view employee,
                                            http::RequestContext& ctx);
  // Sends `command` and answers the request with its result. With
  // `audited`, the write is logged once its outcome is known (done or
  // refused, with the status). With `stored`, a change the router made is
  // stored before the answer (from the shard thread, so that the store keeps
  // the order in which the router applied concurrent changes).
  void Command(const Principal& who, routing::AgentCommand command, http::RequestContext& ctx,
               const http::HttpRequest* audited = nullptr, std::optional<storage::CapSetting> stored = std::nullopt);
  void Query(const Principal& who, http::RequestContext& ctx,
             std::function<http::HttpResponse(const routing::TenantRouter&, std::int64_t now_ns)> build);
  // The same for a query that may answer later: `answer` sends through the
  // DeferredResponse itself (once), from the shard thread or after it.
  using LaterAnswer =
      std::function<void(const routing::TenantRouter&, std::int64_t now_ns, const http::DeferredResponse& later)>;
  void QueryLater(const Principal& who, http::RequestContext& ctx, LaterAnswer answer);
  // GET /api/v1/sessions/{id}: open, ended and still in the router, or ended
  // and kept in storage (trace_lookup_).
  void SessionQuery(const Principal& who, std::uint64_t session_id, http::RequestContext& ctx);

  const Authenticator& auth_;
  shard::ShardSet& shards_;
  CommandBroker& broker_;
  AgentGateway& gateway_;
  TokenApi& tokens_;
  CapChanges& caps_;
  const Clock& clock_;
  const MessagesRoute messages_;
  const MessagesBodyRule messages_body_;
  OwnerCheck owner_check_;
  TraceLookup trace_lookup_;
  ProvisioningApi* provisioning_ = nullptr;
};

}  // namespace routerd::gateway
