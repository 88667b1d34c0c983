// Which instance routes a tenant, in cluster mode: several routerd instances
// share the tenants, each tenant is routed by exactly one of them (its owner)
// at a time, and ownership moves (failover, rebalance). A request for a
// tenant that another instance routes is sent there: REST answers 307 with
// the owner's URL, an agent or wallboard WebSocket is closed with
// AgentCloseCode::kOwnerMoved (4004) whose reason is that URL
// (docs/agent-api.md, "Cluster mode").
//
// The ownership logic lives elsewhere and is handed in as an OwnerCheck. When
// a tenant moves away, that logic must first make the check answer "not
// here" and only then close what is open (AgentGateway::CloseTenantConnections,
// Console::CloseTenantWallboards): connections that open meanwhile check
// again once registered, so none is left behind on either side of the move.
//
// Thread safety: the functions here are pure; an OwnerCheck is called from
// any I/O thread and must be cheap and thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/http/http_message.h"

namespace routerd::gateway {

struct TenantOwner {
  // Routed by this instance.
  bool here = true;
  // Otherwise the owner's base URL ("https://routerd-2.example:8443", no
  // path), or nullopt while no instance routes the tenant (a takeover in
  // progress).
  std::optional<std::string> url;
};

using OwnerCheck = std::function<TenantOwner(std::string_view tenant_id)>;

// The owner's URL when it can be sent to a client: without trailing slashes,
// and nullopt when absent, empty or holding spaces or control characters
// (it goes into a header, where those would forge or break one).
std::optional<std::string_view> UsableOwnerUrl(const TenantOwner& owner);

// The answer for a request of `tenant_id` that `owner` routes instead of this
// instance (owner.here is false): 307 Temporary Redirect to the owner's URL
// followed by `target` (the request's path and query), which keeps the method
// and body; or 503 with Retry-After: 1 when no instance routes the tenant now.
// The body follows the API's error shape, with the owner's URL for a 307:
// {"error":"not_owner","detail":"...","owner":"<url>"} or
// {"error":"no_owner","detail":"..."}.
http::HttpResponse NotOwnerResponse(std::string_view tenant_id, const TenantOwner& owner, std::string_view target);

// A close frame's reason is at most 123 bytes (RFC 6455 section 5.5.1): the
// owner's URL when it fits, else kOwnerUnknownReason (the client then
// reconnects through its usual address).
inline constexpr std::string_view kOwnerUnknownReason = "owner unknown: reconnect";
inline constexpr std::size_t kMaxCloseReason = 123;
std::string OwnerMovedReason(const TenantOwner& owner);

}  // namespace routerd::gateway
