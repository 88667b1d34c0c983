// /api/v1/skill_queues[/{id}] and /api/v1/channels[/{id}]: the definitions of
// the tenant's skill queues and channels as in effect (a channel's kind and
// routing, never a secret), read, and created, replaced or removed through
// the provisioning API; for the tenant admin.
#include "engine/gateway/api_common.h"
#include "engine/gateway/api_handler.h"
#include "engine/gateway/tenant_config_json.h"

namespace routerd::gateway {

using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Verb = boost::beast::http::verb;

std::optional<HttpResponse> ApiHandler::DefinitionRoute(HttpRequest& request, const Principal& who,
                                                        ProvisioningApi::Object object, std::string_view rest,
                                                        http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  const Verb verb = request.method();
  auto [id_view, tail] = Head(rest);
  if (!tail.empty()) return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
  const std::string id(id_view);
  const bool queue = object == ProvisioningApi::Object::kSkillQueue;
  if (verb == Verb::get) {
    // In effect: a reload or a provisioning change may have changed them.
    const std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(who.tenant->id);
    if (rest.empty()) return Json(HttpStatus::ok, queue ? QueuesJson(*tenant) : ChannelsJson(*tenant));
    std::optional<std::string> one = queue ? QueueJson(*tenant, id) : ChannelJson(*tenant, id);
    if (!one) {
      return JsonError(HttpStatus::not_found, "not_found",
                       std::string(queue ? "no skill queue '" : "no channel '") + id + "' in this tenant");
    }
    return Json(HttpStatus::ok, std::move(*one));
  }
  if (provisioning_ == nullptr) return MethodNotAllowed("GET");
  if (rest.empty() && verb == Verb::post) return provisioning_->Create(request, who, object, ctx);
  if (!rest.empty() && verb == Verb::put) return provisioning_->Replace(request, who, object, id, ctx);
  if (!rest.empty() && verb == Verb::delete_) return provisioning_->Remove(who, object, id, ctx);
  return MethodNotAllowed(rest.empty() ? "GET, POST" : "GET, PUT, DELETE");
}

}  // namespace routerd::gateway
