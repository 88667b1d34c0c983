// WebhookHandler: GET and POST /webhooks/{kind}/{channel_id}.
//
// Finds the configured channel, lets its adapter verify and parse the request,
// then admits what the adapter produced: deduplicated on (channel, provider
// message id), the contacts handed to the tenant's router shard all or none
// (503 with Retry-After when the shard's queue is full, so the provider
// retries and nothing accepted is lost), the leave messages to the leave-
// message sink. Only then does the provider get the adapter's success reply.
//
// Batching: on an I/O thread, accepted contacts are staged on that thread's
// producer (their queue room reserved, so acceptance is already certain) and
// handed to the shards by one flush posted to the end of the thread's current
// event-loop round: all requests read in one round cost one shard wake-up.
//
// Thread safety: Handle runs concurrently on every I/O thread; each thread
// uses its own router producer.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/http/dedup_window.h"
#include "engine/http/http_message.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/metrics/webhook_metrics.h"
#include "engine/shard/shard_set.h"
#include "routerd/clock.h"

namespace routerd::http {

class WebhookHandler {
 public:
  WebhookHandler(const config::Config& config, shard::ShardSet& shards, DedupWindow& dedup,
                 leave::LeaveMessageSink& leave_messages, metrics::WebhookMetrics& metrics, const Clock& clock,
                 int io_threads);

  // `kind` and `channel_id` are the URL's path segments.
  HttpResponse Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id);
  // Hands on contacts still staged by I/O threads. REQUIRES: the I/O threads
  // have stopped (called by the daemon after the HTTP server stops).
  void FlushAll();

 private:
  struct ChannelRoute {
    std::string id;
    std::string kind;
    int kind_index = -1;
    shard::TenantRef tenant;
    std::uint32_t channel = 0;
    ChannelAdapterPtr adapter;
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  HttpResponse Admit(const ChannelRoute& route, WebhookOutcome&& outcome, std::int64_t now_ms);
  Status Submit(const ChannelRoute& route, std::span<ContactPtr> contacts);

  shard::ShardSet& shards_;
  DedupWindow& dedup_;
  leave::LeaveMessageSink& leave_messages_;
  metrics::WebhookMetrics& metrics_;
  const Clock& clock_;
  std::unordered_map<std::string, ChannelRoute, NameHash, std::equal_to<>> channels_;
  // One producer per I/O thread, and one shared under a lock for any other caller.
  std::vector<std::unique_ptr<shard::ShardSet::Producer>> producers_;
  std::mutex foreign_mu_;
  std::unique_ptr<shard::ShardSet::Producer> foreign_producer_;
};

}  // namespace routerd::http
