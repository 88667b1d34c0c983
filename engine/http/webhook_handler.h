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
// Durability (with a journal, [storage]):
//   - sync: nothing is routed or acknowledged before the commit. The shard room
//     is reserved first (503 when full), the request's contacts are journaled
//     as one record, and the answer is deferred: after the commit, contacts
//     new to the journal are handed to the router (duplicates of anything
//     already stored are not: the journal's unique key is the durable dedup),
//     web leave messages are created (a second commit), then the provider gets
//     its 2xx. A journal that is full or failing answers 503: the provider
//     retries and nothing is half-accepted.
//   - async: the in-memory dedup window, then the shard room is reserved, the
//     record queued (503 if the journal is full), the contacts handed to the
//     router and the provider answered at once; the commit follows within a
//     batch. A crash can lose what was acknowledged but not yet committed.
//
// Thread safety: Handle runs concurrently on every I/O thread; each thread
// uses its own router producer.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
#include "engine/http/dedup_window.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/metrics/webhook_metrics.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/journal_writer.h"
#include "engine/storage/leave_message_store.h"
#include "routerd/clock.h"

namespace routerd::http {

class WebhookHandler {
 public:
  WebhookHandler(const config::Config& config, shard::ShardSet& shards, DedupWindow& dedup,
                 leave::LeaveMessageSink& leave_messages, metrics::WebhookMetrics& metrics, const Clock& clock,
                 int io_threads);

  // Durable ingest. Both must outlive the handler. Before the server starts.
  void SetJournal(storage::JournalWriter* writer, storage::LeaveMessageStore* leave_store,
                  config::Durability durability);

  // `kind` and `channel_id` are the URL's path segments. nullopt: the answer
  // comes later through ctx (sync durability).
  std::optional<HttpResponse> Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id,
                                     RequestContext& ctx);
  // For callers outside an HTTP session. REQUIRES: no sync journal (the
  // answer is never deferred).
  HttpResponse Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id);
  // Hands on contacts still staged by I/O threads. REQUIRES: the I/O threads
  // have stopped (called by the daemon after the HTTP server stops).
  void FlushAll();

  struct IngestCounters {
    std::atomic<std::uint64_t> journal_failed{0};   // requests or records the journal could not store
    std::atomic<std::uint64_t> late_duplicates{0};  // async: routed, then found already stored
  };
  const IngestCounters& ingest_counters() const { return *ingest_counters_; }

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

  struct PendingIngest;

  std::optional<HttpResponse> HandleImpl(const HttpRequest& request, std::string_view kind,
                                         std::string_view channel_id, RequestContext* ctx);
  HttpResponse Admit(const ChannelRoute& route, WebhookOutcome&& outcome, std::int64_t now_ms);
  std::optional<HttpResponse> AdmitSync(const ChannelRoute& route, WebhookOutcome&& outcome, std::int64_t now_ms,
                                        RequestContext& ctx);
  void FinishSync(PendingIngest& pending);
  Status Submit(const ChannelRoute& route, std::span<ContactPtr> contacts);
  // Stages reserved contacts on the calling I/O thread's producer (flushed at
  // the end of its event-loop round), or submits them under a lock elsewhere.
  void HandOffReserved(const ChannelRoute& route, std::span<ContactPtr> contacts);
  HttpResponse Overloaded(const ChannelRoute& route, std::string_view detail);
  HttpResponse ProviderReply(const ChannelRoute& route, const WebhookResponse& wr);
  static leave::LeaveMessage LeaveMessageOf(const ChannelRoute& route, ContactPtr contact, std::int64_t now_ms);

  shard::ShardSet& shards_;
  DedupWindow& dedup_;
  leave::LeaveMessageSink& leave_messages_;
  metrics::WebhookMetrics& metrics_;
  const Clock& clock_;
  // Shared with journal completions, which may run after the handler is gone.
  const std::shared_ptr<IngestCounters> ingest_counters_ = std::make_shared<IngestCounters>();
  storage::JournalWriter* journal_ = nullptr;
  storage::LeaveMessageStore* leave_store_ = nullptr;
  config::Durability durability_ = config::Durability::kAsync;
  std::unordered_map<std::string, ChannelRoute, NameHash, std::equal_to<>> channels_;
  // One producer per I/O thread, and one shared under a lock for any other caller.
  std::vector<std::unique_ptr<shard::ShardSet::Producer>> producers_;
  std::mutex foreign_mu_;
  std::unique_ptr<shard::ShardSet::Producer> foreign_producer_;
};

}  // namespace routerd::http
