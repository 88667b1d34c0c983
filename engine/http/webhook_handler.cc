#include "engine/http/webhook_handler.h"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>

#include "engine/http/io_thread.h"

namespace routerd::http {
namespace beast_http = boost::beast::http;

WebhookHandler::WebhookHandler(const config::Config& config, shard::ShardSet& shards, DedupWindow& dedup,
                               leave::LeaveMessageSink& leave_messages, metrics::WebhookMetrics& metrics,
                               const Clock& clock, int io_threads)
    : shards_(shards), dedup_(dedup), leave_messages_(leave_messages), metrics_(metrics), clock_(clock) {
  for (const auto& tenant : config.tenants) {
    auto ref = shards.directory().FindTenant(tenant.id);
    for (std::uint32_t i = 0; i < tenant.channels.size(); ++i) {
      const auto& ch = tenant.channels[i];
      channels_.emplace(ch.id, ChannelRoute{ch.id, ch.kind, metrics.KindIndex(ch.kind), *ref, i, ch.adapter});
    }
  }
  for (int i = 0; i < io_threads; ++i) producers_.push_back(std::make_unique<shard::ShardSet::Producer>(shards));
  foreign_producer_ = std::make_unique<shard::ShardSet::Producer>(shards);
}

HttpResponse WebhookHandler::Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id) {
  auto it = channels_.find(channel_id);
  if (it == channels_.end() || it->second.kind != kind) {
    return JsonError(HttpStatus::not_found, "not_found", "no " + std::string(kind) + " channel with this id");
  }
  const ChannelRoute& route = it->second;
  const auto method = request.method();
  if (method != beast_http::verb::get && method != beast_http::verb::post) {
    HttpResponse res = JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "use GET or POST");
    res.set(beast_http::field::allow, "GET, POST");
    metrics_.RecordStatus(route.kind_index, 405);
    return res;
  }

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
  for (std::string_view reason : outcome.ignored) metrics_.AddIgnored(route.kind_index, reason);
  return Admit(route, std::move(outcome), wr.now_unix_ms);
}

HttpResponse WebhookHandler::Admit(const ChannelRoute& route, WebhookOutcome&& outcome, std::int64_t now_ms) {
  std::vector<ContactPtr> contacts;
  std::vector<leave::LeaveMessage> leave;
  std::uint64_t duplicates = 0;
  // Reserve every id first; a duplicate (also within this batch) is dropped.
  for (Contact& c : outcome.contacts) {
    if (!dedup_.TryReserve(route.id, c.provider_message_id, now_ms)) {
      ++duplicates;
      continue;
    }
    contacts.push_back(std::make_shared<const Contact>(std::move(c)));
  }
  for (Contact& c : outcome.leave_messages) {
    if (!dedup_.TryReserve(route.id, c.provider_message_id, now_ms)) {
      ++duplicates;
      continue;
    }
    leave::LeaveMessage m;
    m.tenant_id = c.tenant_id;
    m.channel_kind = c.channel_kind;
    m.channel_id = c.channel_id;
    m.customer_id = c.customer_id;
    m.display_name = c.display_name;
    m.skill_queue = route.tenant.config->channels[route.channel].skill_queue;
    m.reason = "customer";
    m.created_at_ms = now_ms;
    m.messages.push_back(std::make_shared<const Contact>(std::move(c)));
    leave.push_back(std::move(m));
  }

  if (!contacts.empty()) {
    if (Status s = Submit(route, contacts); !s.ok()) {
      // Nothing of this request was accepted: forget the reservations so the
      // provider's retry goes through.
      for (const ContactPtr& c : contacts) dedup_.Release(route.id, c->provider_message_id);
      for (const auto& m : leave) dedup_.Release(route.id, m.messages.front()->provider_message_id);
      metrics_.RecordQueueFull(route.kind_index);
      metrics_.RecordStatus(route.kind_index, 503);
      HttpResponse res = JsonError(HttpStatus::service_unavailable, "overloaded",
                                   "the router is at capacity; retry later");
      res.set(beast_http::field::retry_after, "1");
      return res;
    }
  }
  metrics_.AddAccepted(route.kind_index, contacts.size());
  metrics_.AddDuplicates(route.kind_index, duplicates);
  if (!leave.empty()) {
    metrics_.AddLeaveMessages(route.kind_index, leave.size());
    leave_messages_.Submit(std::move(leave));
  }

  const WebhookResponse& wr = outcome.response;
  HttpResponse res{static_cast<HttpStatus>(wr.status), 11};
  res.set(beast_http::field::content_type, wr.content_type);
  for (const auto& [name, value] : wr.headers) res.set(name, value);
  res.body() = wr.body;
  res.prepare_payload();
  metrics_.RecordStatus(route.kind_index, wr.status);
  return res;
}

Status WebhookHandler::Submit(const ChannelRoute& route, std::span<ContactPtr> contacts) {
  const int index = CurrentIoThreadIndex();
  if (index >= 0 && static_cast<std::size_t>(index) < producers_.size()) {
    shard::ShardSet::Producer& producer = *producers_[index];
    const bool flush_pending = producer.has_staged();
    Status s = shards_.StageContacts(producer, route.tenant, route.channel, contacts);
    if (s.ok() && !flush_pending) {
      boost::asio::post(*CurrentIoContext(), [this, &producer] { shards_.Flush(producer); });
    }
    return s;
  }
  std::lock_guard lock(foreign_mu_);
  return shards_.SubmitContacts(*foreign_producer_, route.tenant, route.channel, contacts);
}

void WebhookHandler::FlushAll() {
  for (auto& p : producers_) shards_.Flush(*p);
}

}  // namespace routerd::http
