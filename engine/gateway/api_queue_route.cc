// /api/v1/queues[/{id}/waiting]: the tenant's skill queues as the router holds
// them (loads, statistics, waiting sessions), for the tenant admin. (Their
// definitions: api_definition_route.cc.)
#include "engine/gateway/api_common.h"
#include "engine/gateway/api_handler.h"
#include "engine/gateway/gateway_json.h"
#include "engine/routing/queue_load.h"

namespace routerd::gateway {

using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Verb = boost::beast::http::verb;

std::optional<HttpResponse> ApiHandler::QueueRoute(HttpRequest& request, const Principal& who, std::string_view rest,
                                                   http::RequestContext& ctx) {
  const Verb verb = request.method();
  if (rest.empty()) {
    if (!who.admin()) return Forbidden("tenant_admin only");
    if (verb != Verb::get) return MethodNotAllowed("GET");
    Query(who, ctx, [](const routing::TenantRouter& t, std::int64_t now) {
      std::string out = "{\"queues\":[";
      bool first = true;
      for (std::uint32_t q = 0; q < t.queue_count(); ++q) {
        if (t.QueueRetired(q)) continue;
        const routing::QueueLoad load = routing::LoadOfQueue(t, q, now);
        if (!first) out += ",";
        first = false;
        out += "{\"id\":";
        http::AppendJsonString(out, t.QueueId(q));
        out += ",\"media\":\"";
        out += t.QueueIsVoice(q) ? "voice" : "multimedia";
        out += "\",\"waiting\":" + std::to_string(load.waiting);
        out += ",\"reserved\":" + std::to_string(t.Queue(q).reserved);
        out += ",\"oldest_wait_ms\":" + std::to_string(load.oldest_wait_ms);
        out += ",\"agents_serving\":" + std::to_string(load.agents_signed_in);
        out += ",\"agents_in_wrap_up\":" + std::to_string(load.agents_in_wrap_up);
        out += ",\"free_capacity\":" + std::to_string(load.free_capacity) + ",";
        AppendSkillLevels(out, "required_skills", t.QueueRequiredSkills(q));
        out += ",";
        AppendQueueStatistics(out, t.Statistics(q));
        out += "}";
      }
      out += "]}";
      return Json(HttpStatus::ok, std::move(out));
    });
    return std::nullopt;
  }
  // /queues/{id}/waiting: the queue's next waiting sessions in the order
  // they will be served, without their messages; at most kMaxListed, and
  // how many wait in all.
  auto [queue_id, tail] = Head(rest);
  if (tail != "/waiting") return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
  if (!who.admin()) return Forbidden("tenant_admin only");
  if (verb != Verb::get) return MethodNotAllowed("GET");
  auto queue = shards_.directory().FindQueue(*shards_.directory().FindTenant(who.tenant->id), queue_id);
  if (!queue) return JsonError(HttpStatus::not_found, "not_found", "no such skill queue");
  const std::uint32_t q = *queue;
  Query(who, ctx, [q](const routing::TenantRouter& t, std::int64_t now) {
    constexpr std::size_t kMaxListed = 100;
    std::string out = "{\"waiting\":" + std::to_string(t.Queue(q).waiting) + ",\"sessions\":[";
    bool first_session = true;
    for (std::uint64_t id : t.WaitingInOrder(q, kMaxListed)) {
      if (!first_session) out += ",";
      first_session = false;
      out += SessionJson(t, *t.Session(id), false, now);
    }
    out += "]}";
    return Json(HttpStatus::ok, std::move(out));
  });
  return std::nullopt;
}

}  // namespace routerd::gateway
