#include "engine/http/webhook_handler.h"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>

#include <cassert>

#include <spdlog/spdlog.h>

#include "engine/http/io_thread.h"
#include "engine/storage/journal_records.h"

namespace routerd::http {
namespace beast_http = boost::beast::http;

namespace {

// Rare (the journal refused or failed a leave message whose contact it had
// just stored): worth a line in the log, never on the hot path.
void LogLeaveFailure(const Status& status) {
  spdlog::warn("web leave message not created ({}); its contact is stored and will be routed after a restart",
               status.ToString());
}

}  // namespace

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

std::optional<HttpResponse> WebhookHandler::Handle(const HttpRequest& request, std::string_view kind,
                                                   std::string_view channel_id, RequestContext& ctx) {
  return HandleImpl(request, kind, channel_id, &ctx);
}

HttpResponse WebhookHandler::Handle(const HttpRequest& request, std::string_view kind, std::string_view channel_id) {
  assert(journal_ == nullptr || durability_ != config::Durability::kSync);
  return *HandleImpl(request, kind, channel_id, nullptr);
}

std::optional<HttpResponse> WebhookHandler::HandleImpl(const HttpRequest& request, std::string_view kind,
                                                       std::string_view channel_id, RequestContext* ctx) {
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
  if (journal_ != nullptr && durability_ == config::Durability::kSync && ctx != nullptr) {
    return AdmitSync(route, std::move(outcome), wr.now_unix_ms, *ctx);
  }
  return Admit(route, std::move(outcome), wr.now_unix_ms);
}

void WebhookHandler::SetJournal(storage::JournalWriter* writer, storage::LeaveMessageStore* leave_store,
                                config::Durability durability) {
  journal_ = writer;
  leave_store_ = leave_store;
  durability_ = durability;
}

leave::LeaveMessage WebhookHandler::LeaveMessageOf(const ChannelRoute& route, ContactPtr contact,
                                                   std::int64_t now_ms) {
  leave::LeaveMessage m;
  m.tenant_id = contact->tenant_id;
  m.channel_kind = contact->channel_kind;
  m.channel_id = contact->channel_id;
  m.customer_id = contact->customer_id;
  m.display_name = contact->display_name;
  m.skill_queue = route.tenant.config->channels[route.channel].skill_queue;
  m.reason = "customer";
  m.created_at_ms = now_ms;
  m.messages.push_back(std::move(contact));
  return m;
}

HttpResponse WebhookHandler::Overloaded(const ChannelRoute& route, std::string_view detail) {
  metrics_.RecordQueueFull(route.kind_index);
  metrics_.RecordStatus(route.kind_index, 503);
  HttpResponse res = JsonError(HttpStatus::service_unavailable, "overloaded", detail);
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

// ---------------------------------------------------------------------------
// Without a journal, or async durability: acknowledged after the hand-off.

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
    leave.push_back(LeaveMessageOf(route, std::make_shared<const Contact>(std::move(c)), now_ms));
  }
  // Nothing of this request is accepted: forget the reservations so the
  // provider's retry goes through.
  auto refuse = [&](std::string_view detail) {
    for (const ContactPtr& c : contacts) dedup_.Release(route.id, c->provider_message_id);
    for (const auto& m : leave) dedup_.Release(route.id, m.messages.front()->provider_message_id);
    return Overloaded(route, detail);
  };

  if (!contacts.empty()) {
    if (journal_ == nullptr) {
      if (!Submit(route, contacts).ok()) return refuse("the router is at capacity; retry later");
    } else {
      // Room first, then the journal: once the record is queued the contacts
      // will be stored, so they must also be routed now.
      if (!shards_.ReserveContacts(route.tenant, contacts.size()).ok()) {
        return refuse("the router is at capacity; retry later");
      }
      storage::AcceptedContacts record{std::string(route.tenant.config->id), route.id, route.kind, contacts};
      Status s = journal_->Submit(storage::MakeAcceptedContactsRecord(
          std::move(record), [counters = ingest_counters_](const Status& st, std::span<const storage::ContactWrite> writes) {
            if (!st.ok()) {
              counters->journal_failed.fetch_add(1, std::memory_order_relaxed);
              return;
            }
            std::uint64_t late = 0;
            for (storage::ContactWrite w : writes) late += w == storage::ContactWrite::kDuplicate;
            if (late) counters->late_duplicates.fetch_add(late, std::memory_order_relaxed);
          }));
      if (!s.ok()) {
        shards_.CancelReservation(route.tenant, contacts.size());
        return refuse("the journal is at capacity; retry later");
      }
      HandOffReserved(route, contacts);
    }
  }
  metrics_.AddAccepted(route.kind_index, contacts.size());
  metrics_.AddDuplicates(route.kind_index, duplicates);
  if (!leave.empty()) {
    metrics_.AddLeaveMessages(route.kind_index, leave.size());
    leave_messages_.Submit(std::move(leave));
  }
  return ProviderReply(route, outcome.response);
}

// ---------------------------------------------------------------------------
// Sync durability: acknowledged after the commit.

struct WebhookHandler::PendingIngest {
  WebhookHandler* handler = nullptr;
  const ChannelRoute* route = nullptr;
  std::vector<ContactPtr> contacts;  // routed when new to the journal
  std::vector<ContactPtr> leave;     // web leave_message events
  std::int64_t now_ms = 0;
  WebhookResponse reply;
  std::optional<DeferredResponse> deferred;
  boost::asio::io_context* io = nullptr;  // the request's I/O thread; nullptr: finish anywhere
  std::vector<storage::ContactWrite> writes;  // one per contact, then one per leave contact
  std::atomic<int> remaining{1};
  std::mutex mu;
  Status error;  // guarded by mu: the first failure

  void Fail(const Status& s) {
    std::lock_guard lock(mu);
    if (error.ok()) error = s;
  }
  // The last completion finishes the request on its I/O thread.
  static void Arrive(const std::shared_ptr<PendingIngest>& self) {
    if (self->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (self->io != nullptr) {
      boost::asio::post(*self->io, [self] { self->handler->FinishSync(*self); });
    } else {
      self->handler->FinishSync(*self);
    }
  }
};

std::optional<HttpResponse> WebhookHandler::AdmitSync(const ChannelRoute& route, WebhookOutcome&& outcome,
                                                      std::int64_t now_ms, RequestContext& ctx) {
  if (outcome.contacts.empty() && outcome.leave_messages.empty()) return ProviderReply(route, outcome.response);
  auto pending = std::make_shared<PendingIngest>();
  pending->handler = this;
  pending->route = &route;
  pending->now_ms = now_ms;
  pending->io = CurrentIoContext();
  pending->contacts.reserve(outcome.contacts.size());
  for (Contact& c : outcome.contacts) pending->contacts.push_back(std::make_shared<const Contact>(std::move(c)));
  for (Contact& c : outcome.leave_messages) pending->leave.push_back(std::make_shared<const Contact>(std::move(c)));
  pending->reply = std::move(outcome.response);

  if (!shards_.ReserveContacts(route.tenant, pending->contacts.size()).ok()) {
    return Overloaded(route, "the router is at capacity; retry later");
  }
  // The leave contacts are journaled with the others so that their provider
  // ids are durable dedup keys too; the messages are created once they are.
  std::vector<ContactPtr> all = pending->contacts;
  all.insert(all.end(), pending->leave.begin(), pending->leave.end());
  storage::AcceptedContacts record{std::string(route.tenant.config->id), route.id, route.kind, std::move(all)};
  // Deferred before the record is queued: its completion may come at once.
  pending->deferred.emplace(ctx.Defer());
  Status s = journal_->Submit(storage::MakeAcceptedContactsRecord(
      std::move(record), [pending](const Status& st, std::span<const storage::ContactWrite> writes) {
        if (!st.ok()) {
          pending->Fail(st);
          PendingIngest::Arrive(pending);
          return;
        }
        pending->writes.assign(writes.begin(), writes.end());
        WebhookHandler& self = *pending->handler;
        for (std::size_t i = 0; i < pending->leave.size(); ++i) {
          if (pending->writes[pending->contacts.size() + i] != storage::ContactWrite::kInserted) continue;
          pending->remaining.fetch_add(1, std::memory_order_relaxed);
          Status created = self.leave_store_->CreateAsync(
              LeaveMessageOf(*pending->route, pending->leave[i], pending->now_ms),
              storage::Actor{"webhook:" + pending->route->id, ""},
              [pending](StatusOr<storage::StoredLeaveMessage> m) {
                if (!m.ok()) LogLeaveFailure(m.status());
                PendingIngest::Arrive(pending);
              });
          if (!created.ok()) {
            // The contact is stored (pending): a restart routes it as a
            // contact, so it is not lost; this request is still acknowledged.
            LogLeaveFailure(created);
            pending->remaining.fetch_sub(1, std::memory_order_relaxed);
          }
        }
        PendingIngest::Arrive(pending);
      }));
  if (!s.ok()) {
    shards_.CancelReservation(route.tenant, pending->contacts.size());
    pending->deferred->Send(Overloaded(route, "the journal is at capacity; retry later"));
  }
  return std::nullopt;
}

void WebhookHandler::FinishSync(PendingIngest& pending) {
  const ChannelRoute& route = *pending.route;
  Status error;
  {
    std::lock_guard lock(pending.mu);
    error = pending.error;
  }
  if (!error.ok() || pending.writes.size() != pending.contacts.size() + pending.leave.size()) {
    shards_.CancelReservation(route.tenant, pending.contacts.size());
    ingest_counters_->journal_failed.fetch_add(1, std::memory_order_relaxed);
    metrics_.RecordStatus(route.kind_index, 503);
    HttpResponse res = JsonError(HttpStatus::service_unavailable, "storage_unavailable",
                                 "the contacts could not be stored (" + error.message() + "); retry later");
    res.set(beast_http::field::retry_after, "1");
    pending.deferred->Send(std::move(res));
    return;
  }
  std::vector<ContactPtr> fresh;
  fresh.reserve(pending.contacts.size());
  std::uint64_t duplicates = 0;
  for (std::size_t i = 0; i < pending.contacts.size(); ++i) {
    if (pending.writes[i] == storage::ContactWrite::kInserted) {
      fresh.push_back(pending.contacts[i]);
    } else {
      ++duplicates;
    }
  }
  shards_.CancelReservation(route.tenant, pending.contacts.size() - fresh.size());
  if (!fresh.empty()) HandOffReserved(route, fresh);
  std::uint64_t leave_created = 0;
  for (std::size_t i = 0; i < pending.leave.size(); ++i) {
    const bool created = pending.writes[pending.contacts.size() + i] == storage::ContactWrite::kInserted;
    leave_created += created;
    duplicates += !created;
  }
  metrics_.AddAccepted(route.kind_index, fresh.size());
  metrics_.AddDuplicates(route.kind_index, duplicates);
  if (leave_created > 0) metrics_.AddLeaveMessages(route.kind_index, leave_created);
  pending.deferred->Send(ProviderReply(route, pending.reply));
}

void WebhookHandler::HandOffReserved(const ChannelRoute& route, std::span<ContactPtr> contacts) {
  const int index = CurrentIoThreadIndex();
  if (index >= 0 && static_cast<std::size_t>(index) < producers_.size()) {
    shard::ShardSet::Producer& producer = *producers_[index];
    const bool flush_pending = producer.has_staged();
    shards_.StageReserved(producer, route.tenant, route.channel, contacts);
    if (!flush_pending) boost::asio::post(*CurrentIoContext(), [this, &producer] { shards_.Flush(producer); });
    return;
  }
  std::lock_guard lock(foreign_mu_);
  shards_.StageReserved(*foreign_producer_, route.tenant, route.channel, contacts);
  shards_.Flush(*foreign_producer_);
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
