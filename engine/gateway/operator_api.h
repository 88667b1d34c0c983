// OperatorApi: the server-wide routes, for the bearer tokens of
// [[operator_tokens]] (no tenant token opens them, and an operator token
// opens no tenant route):
//   POST /api/v1/operator/reload   reads the configuration file again, as
//                                  SIGHUP does, and answers what it did
// 200 {"reloaded":true,...} when the file was valid; 422 with every error
// (file:line: key: why) when it was not, and then nothing changed; 401
// without a valid operator token; 405 for another method; 404 for another
// path under /api/v1/operator/.
//
// Thread safety: any thread. The reload itself runs where the daemon's
// Reloader puts it (a thread of its own), one at a time.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/http/request_handler.h"

namespace routerd::gateway {

// What a reload of the configuration file did.
struct ReloadReport {
  std::vector<std::string> errors;         // the file was refused: nothing changed
  std::vector<std::string> needs_restart;  // changed parts not applied until a restart
  std::size_t tokens_added = 0;            // tenants' file tokens
  std::size_t tokens_removed = 0;
  std::size_t connections_closed = 0;      // agent connections of removed tokens and removed agents
  std::size_t operator_tokens = 0;         // operator tokens in effect now
  std::size_t tenants_applied = 0;         // tenants whose caps and limits are the file's now (run-time caps kept)
  std::size_t ous_changed = 0;             // OUs added, removed, or given another parent or caps
  std::size_t queues_changed = 0;          // skill queues added, removed, or given other keys
  std::size_t channels_changed = 0;        // channels added, removed, or given another queue, priority or skills
  std::size_t agents_changed = 0;          // agents added, removed, or given another OU, type, queues, skills, ...
  std::size_t tenants_added = 0;           // tenants the file gained, routed from now on
  std::size_t tenants_removed = 0;         // tenants the file lost, retired (no longer routed or reachable)
  bool failed = false;                     // the reload broke off (logged); nothing more changed
  std::string unavailable;                 // what it could not read (storage): nothing changed, try again
};

class OperatorApi {
 public:
  // Runs a reload and calls `done` with its report, from any thread.
  using Reloader = std::function<void(std::function<void(ReloadReport)> done)>;

  OperatorApi(const std::vector<config::OperatorTokenConfig>& tokens, Reloader reload);

  // The operator tokens become `tokens` (a reloaded file).
  void ReplaceTokens(const std::vector<config::OperatorTokenConfig>& tokens);

  // Whether `path` (after "/api/v1") is one of these routes.
  static bool Serves(std::string_view path);
  // Before the body: 401 without an operator token; the routes take no body.
  http::BodyPermit AdmitBody(const http::HttpRequest& head, std::string_view path) const;
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           http::RequestContext& ctx);

  // The answer to a reload: 200 or 422 (see above).
  static http::HttpResponse ReportResponse(const ReloadReport& report);

 private:
  // The name of the operator whose token the request bears.
  std::optional<std::string> Authenticate(const http::HttpRequest& request) const;

  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> name_by_digest_;  // guarded by mu_
  Reloader reload_;
};

}  // namespace routerd::gateway
