#include "engine/http/webhook_handler.h"

#include <boost/beast/http/field.hpp>

#include <cassert>
#include <memory>

#include "engine/http/io_thread.h"

namespace routerd::http {
namespace beast_http = boost::beast::http;
namespace {

// Handlers get ids that are never reused, so a thread's copy of one
// handler's routes is never taken for another's built at the same address.
std::uint64_t NextHandlerId() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

WebhookHandler::WebhookHandler(const config::Config& config, shard::ShardSet& shards, ingest::DedupWindow& dedup,
                               leave::LeaveMessageSink& leave_messages, metrics::WebhookMetrics& metrics,
                               const Clock& clock, int io_threads, storage::Storage* storage,
                               config::Durability durability)
    : metrics_(metrics),
      clock_(clock),
      admission_(shards, dedup, leave_messages, storage, durability, io_threads),
      handler_id_(NextHandlerId()),
      routes_(std::make_shared<RouteTable>()) {
  // One table for every tenant at start.
  auto first = std::make_shared<RouteTable>();
  for (const auto& tenant : config.tenants) {
    if (auto ref = shards.directory().FindTenant(tenant.id)) SetTenantRoutes(*first, tenant, *ref);
  }
  routes_ = std::move(first);
}

void WebhookHandler::ApplyTenantChannels(const config::TenantConfig& tenant, const shard::TenantRef& ref) {
  std::lock_guard lock(routes_mu_);
  auto next = std::make_shared<RouteTable>(*routes_);
  SetTenantRoutes(*next, tenant, ref);
  routes_ = std::move(next);
  routes_version_.fetch_add(1, std::memory_order_release);
}

void WebhookHandler::SetTenantRoutes(RouteTable& table, const config::TenantConfig& tenant,
                                     const shard::TenantRef& ref) {
  for (std::uint32_t i = 0; i < tenant.channels.size(); ++i) {
    const config::ChannelConfig& ch = tenant.channels[i];
    auto it = table.by_id.find(ch.id);
    // Channel ids are unique across tenants; one may have moved from another
    // tenant in the same file, so a route is this tenant's only by its index.
    const bool ours = it != table.by_id.end() && it->second->ingest.tenant.shard == ref.shard &&
                      it->second->ingest.tenant.tenant == ref.tenant && it->second->ingest.channel == i;
    if (ch.retired) {
      if (ours) table.by_id.erase(it);
      continue;
    }
    // A channel provisioned anew (other secrets) gets a route with its new adapter.
    if (ours && it->second->adapter == ch.adapter) continue;
    const ChannelRoute& route = all_routes_.emplace_back(
        ChannelRoute{ingest::IngestRoute{ch.id, ch.kind, ref, i}, metrics_.KindIndex(ch.kind), ch.adapter});
    table.by_id.insert_or_assign(ch.id, &route);
  }
}

const WebhookHandler::RouteTable& WebhookHandler::Routes() {
  struct Copy {
    std::uint64_t handler = 0;
    std::uint64_t version = 0;
    std::shared_ptr<const RouteTable> table;
  };
  thread_local Copy copy;
  const std::uint64_t version = routes_version_.load(std::memory_order_acquire);
  if (copy.handler != handler_id_ || copy.version != version || copy.table == nullptr) {
    std::lock_guard lock(routes_mu_);
    copy.handler = handler_id_;
    copy.version = routes_version_.load(std::memory_order_relaxed);
    copy.table = routes_;
  }
  return *copy.table;
}

std::optional<HttpResponse> WebhookHandler::Handle(const HttpRequest& request, std::string_view kind,
                                                   std::string_view channel_id, RequestContext& ctx) {
  return HandleImpl(request, kind, channel_id, &ctx);
}

HttpResponse WebhookHandler::Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id) {
  assert(!admission_.deferred_answers());
  return *HandleImpl(request, kind, channel_id, nullptr);
}

const WebhookHandler::ChannelRoute* WebhookHandler::FindRoute(const HttpRequest& request, std::string_view kind,
                                                              std::string_view channel_id,
                                                              std::optional<HttpResponse>& refusal) {
  const RouteTable& routes = Routes();
  auto it = routes.by_id.find(channel_id);
  if (it == routes.by_id.end() || it->second->ingest.kind != kind) {
    refusal = JsonError(HttpStatus::not_found, "not_found", "no " + std::string(kind) + " channel with this id");
    return nullptr;
  }
  const auto method = request.method();
  if (method != beast_http::verb::get && method != beast_http::verb::post) {
    HttpResponse res = JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "use GET or POST");
    res.set(beast_http::field::allow, "GET, POST");
    metrics_.RecordStatus(it->second->kind_index, 405);
    refusal = std::move(res);
    return nullptr;
  }
  return it->second;
}

BodyPermit WebhookHandler::AdmitBody(const HttpRequest& head, std::string_view kind, std::string_view channel_id,
                                     std::size_t default_limit) {
  std::optional<HttpResponse> refusal;
  if (FindRoute(head, kind, channel_id, refusal) == nullptr) return BodyPermit::Refuse(std::move(*refusal));
  return BodyPermit::Allow(head.method() == beast_http::verb::get ? 0 : default_limit);
}

std::optional<HttpResponse> WebhookHandler::HandleImpl(const HttpRequest& request, std::string_view kind,
                                                       std::string_view channel_id, RequestContext* ctx) {
  std::optional<HttpResponse> refusal;
  const ChannelRoute* found = FindRoute(request, kind, channel_id, refusal);
  if (found == nullptr) return refusal;
  const ChannelRoute& route = *found;

  // The adapter sees views of this request only; it copies what it keeps.
  // The vector's capacity is reused by the thread's next request.
  thread_local std::vector<HeaderView> headers;
  headers.clear();
  for (const auto& field : request) headers.push_back({field.name_string(), field.value()});
  const std::string_view target = request.target();
  const std::size_t q = target.find('?');
  WebhookRequest wr;
  wr.method = request.method_string();
  wr.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  wr.content_type = request[beast_http::field::content_type];
  wr.headers = headers;
  wr.body = request.body();
  wr.now_unix_ms = clock_.WallMs();

  WebhookOutcome outcome = route.adapter->Handle(wr);
  metrics_.RecordRejection(route.kind_index, outcome.rejection);
  if (ctx != nullptr && (outcome.rejection == WebhookRejection::kBadSignature ||
                         outcome.rejection == WebhookRejection::kBadHandshake)) {
    ctx->NoteFailedAuthentication();
  }
  for (std::string_view reason : outcome.ignored) metrics_.AddIgnored(route.kind_index, reason);
  if (outcome.contacts.empty() && outcome.leave_messages.empty()) return ProviderReply(route, outcome.response);

  const ingest::IoThread thread{CurrentIoThreadIndex(), CurrentIoContext()};
  std::function<void(ingest::Admitted)> later;
  std::shared_ptr<std::optional<DeferredResponse>> deferred;
  std::shared_ptr<WebhookResponse> reply;
  if (ctx != nullptr && thread.io != nullptr && admission_.deferred_answers()) {
    // Filled below, before the admission's answer can run: it is posted to
    // this I/O thread, which is busy with this request until Handle returns.
    deferred = std::make_shared<std::optional<DeferredResponse>>();
    reply = std::make_shared<WebhookResponse>(outcome.response);
    later = [this, &route, deferred, reply](ingest::Admitted admitted) {
      (*deferred)->Send(Answer(route, admitted, *reply));
    };
  }
  std::optional<ingest::Admitted> now =
      admission_.Admit(route.ingest, std::move(outcome.contacts), std::move(outcome.leave_messages), wr.now_unix_ms,
                       thread, std::move(later));
  if (now) return Answer(route, *now, outcome.response);
  deferred->emplace(ctx->Defer());
  return std::nullopt;
}

HttpResponse WebhookHandler::Answer(const ChannelRoute& route, const ingest::Admitted& admitted,
                                    const WebhookResponse& reply) {
  if (admitted.verdict == ingest::Verdict::kAccepted) {
    metrics_.AddAccepted(route.kind_index, admitted.accepted);
    metrics_.AddDuplicates(route.kind_index, admitted.duplicates);
    if (admitted.leave_messages > 0) metrics_.AddLeaveMessages(route.kind_index, admitted.leave_messages);
    return ProviderReply(route, reply);
  }
  metrics_.RecordStatus(route.kind_index, 503);
  HttpResponse res;
  if (admitted.verdict == ingest::Verdict::kStorageFailed) {
    res = JsonError(HttpStatus::service_unavailable, "storage_unavailable", admitted.detail + "; retry later");
  } else {
    metrics_.RecordQueueFull(route.kind_index);
    res = JsonError(HttpStatus::service_unavailable, "overloaded", admitted.detail + "; retry later");
  }
  res.set(beast_http::field::retry_after, "1");
  return res;
}

HttpResponse WebhookHandler::ProviderReply(const ChannelRoute& route, const WebhookResponse& wr) {
  HttpResponse res{static_cast<HttpStatus>(wr.status), 11};
  res.set(beast_http::field::content_type, wr.content_type);
  for (const auto& [name, value] : wr.headers) res.set(name, value);
  res.body() = wr.body;
  res.prepare_payload();
  metrics_.RecordStatus(route.kind_index, wr.status);
  return res;
}

void WebhookHandler::FlushAll() { admission_.FlushAll(); }

}  // namespace routerd::http
