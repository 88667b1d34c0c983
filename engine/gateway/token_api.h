// TokenApi: /api/v1/tokens, the tenant administrator's API tokens.
//
//   GET    /tokens         the tenant's tokens (file and API), never a value
//   POST   /tokens         {"name", "role", "employee_id"}: a new token, its
//                          value in the 201 answer only, stored as SHA-256
//   DELETE /tokens/{name}  revokes an API token: refused from its next
//                          request on, its agent WebSockets closed with 4003
//                          and its wallboards closed, all before the 200
//
// Both writes are stored (storage/administration.h) before they are answered
// and take effect only once stored; a restart keeps them. Tokens of the
// configuration file are changed in the file: revoking one is 409.
//
// Thread safety: Handle from any I/O thread; the answers come from a storage
// thread.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "engine/gateway/agent_gateway.h"
#include "engine/gateway/auth.h"
#include "engine/http/request_handler.h"
#include "engine/storage/administration.h"

namespace routerd::gateway {

class TokenApi {
 public:
  // Closes the wallboards opened with a revoked token: (tenant id, its
  // Principal::token_serial).
  using CloseWallboards = std::function<void(std::string_view, std::uint64_t)>;

  TokenApi(Authenticator& auth, storage::AdministrationRepository& store, AgentGateway& gateway,
           CloseWallboards close_wallboards = {})
      : auth_(auth), store_(store), gateway_(gateway), close_wallboards_(std::move(close_wallboards)) {}

  // `rest` is the path after "/tokens".
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view rest, const Principal& who,
                                           http::RequestContext& ctx);

 private:
  std::optional<http::HttpResponse> List(const Principal& who);
  std::optional<http::HttpResponse> Create(const http::HttpRequest& request, const Principal& who,
                                           http::RequestContext& ctx);
  std::optional<http::HttpResponse> Revoke(std::string_view name, const Principal& who, http::RequestContext& ctx);

  Authenticator& auth_;
  storage::AdministrationRepository& store_;
  AgentGateway& gateway_;
  const CloseWallboards close_wallboards_;
};

}  // namespace routerd::gateway
