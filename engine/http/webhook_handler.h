// WebhookHandler: GET and POST /webhooks/{kind}/{channel_id}.
//
// Finds the configured channel, lets its adapter verify and parse the request,
// hands what the adapter produced to ingest admission (engine/ingest/), and
// turns the outcome into the answer: the adapter's success reply once the
// contacts are accepted, 503 with Retry-After when the router or storage is
// full or a commit failed (the provider retries; nothing accepted is lost).
// With sync durability the answer is deferred until the commit.
//
// Thread safety: Handle runs concurrently on every I/O thread.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/ingest/admission.h"
#include "engine/ingest/dedup_window.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/metrics/webhook_metrics.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::http {

class WebhookHandler {
 public:
  // `storage` may be null (nothing durable); then leave messages go to
  // `leave_messages`. All must outlive the handler.
  WebhookHandler(const config::Config& config, shard::ShardSet& shards, ingest::DedupWindow& dedup,
                 leave::LeaveMessageSink& leave_messages, metrics::WebhookMetrics& metrics, const Clock& clock,
                 int io_threads, storage::Storage* storage = nullptr,
                 config::Durability durability = config::Durability::kSync);

  // `kind` and `channel_id` are the URL's path segments. nullopt: the answer
  // comes later through ctx (sync durability).
  std::optional<HttpResponse> Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id,
                                     RequestContext& ctx);
  // Before the body is read: an unknown channel is 404 and a method other than
  // GET or POST 405 at once; a GET (a provider's handshake) takes no body.
  BodyPermit AdmitBody(const HttpRequest& head, std::string_view kind, std::string_view channel_id,
                       std::size_t default_limit);
  // For callers outside an HTTP session. REQUIRES: no sync durability (the
  // answer is never deferred).
  HttpResponse Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id);
  // Hands on contacts still staged by I/O threads. REQUIRES: the I/O threads
  // have stopped (called by the daemon after the HTTP server stops).
  void FlushAll();

  const ingest::Admission::Counters& ingest_counters() const { return admission_.counters(); }
  // Cluster mode (Admission::SetOwnership). Before the server starts.
  void SetOwnership(const cluster::TenantOwnership* ownership) { admission_.SetOwnership(ownership); }
  // The webhooks of `tenant`'s channels become those in effect (a reload
  // added or removed some): a new channel answers from now on, a removed one
  // 404; a running one keeps its route, unless its adapter was built anew
  // (the provisioning API replaced it). From one thread at a time.
  void ApplyTenantChannels(const config::TenantConfig& tenant, const shard::TenantRef& ref);

 private:
  struct ChannelRoute {
    ingest::IngestRoute ingest;
    int kind_index = -1;
    ChannelAdapterPtr adapter;
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  // The routes in effect, by channel id. A route never moves nor is freed
  // while the handler lives (all_routes_), so a request may hold a pointer to
  // one across a reload; a table is replaced whole.
  struct RouteTable {
    std::unordered_map<std::string, const ChannelRoute*, NameHash, std::equal_to<>> by_id;
  };
  // This thread's copy of the table in effect: one load of the version per
  // request, the lock only after a reload.
  const RouteTable& Routes();
  // `tenant`'s channels into `table` (ApplyTenantChannels). Under routes_mu_,
  // or in the constructor.
  void SetTenantRoutes(RouteTable& table, const config::TenantConfig& tenant, const shard::TenantRef& ref);

  // The channel of a webhook URL, or the answer that refuses the request.
  const ChannelRoute* FindRoute(const HttpRequest& request, std::string_view kind, std::string_view channel_id,
                                std::optional<HttpResponse>& refusal);
  std::optional<HttpResponse> HandleImpl(const HttpRequest& request, std::string_view kind,
                                         std::string_view channel_id, RequestContext* ctx);
  // The answer for an admission outcome; records its metrics.
  HttpResponse Answer(const ChannelRoute& route, const ingest::Admitted& admitted, const WebhookResponse& reply);
  HttpResponse ProviderReply(const ChannelRoute& route, const WebhookResponse& wr);

  metrics::WebhookMetrics& metrics_;
  const Clock& clock_;
  ingest::Admission admission_;
  const std::uint64_t handler_id_;  // tells this handler's thread copies from another's
  std::mutex routes_mu_;            // writers, and readers that refresh their copy
  std::deque<ChannelRoute> all_routes_;
  std::shared_ptr<const RouteTable> routes_;
  std::atomic<std::uint64_t> routes_version_{0};
};

}  // namespace routerd::http
