#include "engine/ingest/admission.h"

#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include "engine/leave/contact_number.h"

namespace routerd::ingest {
namespace {

// Rare (storage refused or failed a leave message whose contact it had just
// stored): worth a line in the log, never on the hot path.
void LogLeaveFailure(const Status& status) {
  spdlog::warn("web leave message not created ({}); its contact is stored and will be routed after a restart",
               status.ToString());
}

Admitted Refused(Verdict verdict, std::string detail) {
  Admitted a;
  a.verdict = verdict;
  a.detail = std::move(detail);
  return a;
}

}  // namespace

leave::LeaveMessage LeaveMessageOf(std::string skill_queue, ContactPtr contact, std::int64_t now_ms) {
  leave::LeaveMessage m;
  m.tenant_id = contact->tenant_id;
  m.channel_kind = contact->channel_kind;
  m.channel_id = contact->channel_id;
  m.display_name = contact->display_name;
  m.skill_queue = std::move(skill_queue);
  m.reason = "customer";
  m.created_at_ms = now_ms;
  m.messages.push_back(std::move(contact));
  m.customer_id = leave::ContactNumberOf(m.messages);
  return m;
}

Admission::Admission(shard::ShardSet& shards, DedupWindow& dedup, leave::LeaveMessageSink& leave_messages,
                     storage::Storage* storage, config::Durability durability, int io_threads)
    : shards_(shards), dedup_(dedup), leave_messages_(leave_messages), storage_(storage), durability_(durability) {
  for (int i = 0; i < io_threads; ++i) producers_.push_back(std::make_unique<shard::ShardSet::Producer>(shards));
  foreign_producer_ = std::make_unique<shard::ShardSet::Producer>(shards);
}

std::optional<Admitted> Admission::Admit(const IngestRoute& route, std::vector<Contact>&& contacts,
                                         std::vector<Contact>&& leave_contacts, std::int64_t now_ms, IoThread thread,
                                         std::function<void(Admitted)> later) {
  if (deferred_answers() && later) {
    return AdmitSync(route, std::move(contacts), std::move(leave_contacts), now_ms, thread, std::move(later));
  }
  return AdmitNow(route, std::move(contacts), std::move(leave_contacts), now_ms, thread);
}

// ---------------------------------------------------------------------------
// Without storage, or async durability: accepted after the hand-off.

Admitted Admission::AdmitNow(const IngestRoute& route, std::vector<Contact>&& in_contacts,
                             std::vector<Contact>&& in_leave, std::int64_t now_ms, IoThread thread) {
  std::vector<ContactPtr> contacts;
  std::vector<leave::LeaveMessage> leave;
  Admitted result;
  // Reserve every id first; a duplicate (also within this batch) is dropped.
  for (Contact& c : in_contacts) {
    if (!dedup_.TryReserve(route.id, c.provider_message_id, now_ms)) {
      ++result.duplicates;
      continue;
    }
    contacts.push_back(std::make_shared<const Contact>(std::move(c)));
  }
  for (Contact& c : in_leave) {
    if (!dedup_.TryReserve(route.id, c.provider_message_id, now_ms)) {
      ++result.duplicates;
      continue;
    }
    leave.push_back(LeaveMessageOf(QueueOfChannel(route), std::make_shared<const Contact>(std::move(c)), now_ms));
  }
  // Nothing of this request is accepted: forget the reservations so the
  // provider's retry goes through.
  auto refuse = [&](Verdict verdict, std::string detail) {
    for (const ContactPtr& c : contacts) dedup_.Release(route.id, c->provider_message_id);
    for (const auto& m : leave) dedup_.Release(route.id, m.messages.front()->provider_message_id);
    return Refused(verdict, std::move(detail));
  };

  if (!contacts.empty()) {
    if (storage_ == nullptr) {
      if (!Submit(route, contacts, thread).ok()) return refuse(Verdict::kRouterFull, "the router is at capacity");
    } else {
      // Room first, then storage: once the record is queued the contacts
      // will be stored, so they must also be routed now.
      if (!shards_.ReserveContacts(route.tenant, contacts.size()).ok()) {
        return refuse(Verdict::kRouterFull, "the router is at capacity");
      }
      storage::AcceptedContacts record{std::string(route.tenant.config->id), route.id, route.kind, contacts};
      Status s = storage_->AppendContacts(
          std::move(record), [counters = counters_](const Status& st, std::span<const storage::ContactWrite> writes) {
            if (!st.ok()) {
              counters->storage_failed.fetch_add(1, std::memory_order_relaxed);
              return;
            }
            std::uint64_t late = 0;
            for (storage::ContactWrite w : writes) late += w == storage::ContactWrite::kDuplicate;
            if (late) counters->late_duplicates.fetch_add(late, std::memory_order_relaxed);
          });
      if (!s.ok()) {
        shards_.CancelReservation(route.tenant, contacts.size());
        if (s.code() != StatusCode::kResourceExhausted) {
          return refuse(Verdict::kStorageFailed, "storage is unavailable (" + s.message() + ")");
        }
        return refuse(Verdict::kStorageFull, "storage is at capacity");
      }
      HandOffReserved(route, contacts, thread);
    }
  }
  result.accepted = contacts.size();
  result.leave_messages = leave.size();
  if (!leave.empty()) leave_messages_.Submit(std::move(leave));
  return result;
}

// ---------------------------------------------------------------------------
// Sync durability: accepted after the commit.

struct Admission::PendingSync {
  Admission* admission = nullptr;
  IngestRoute route;
  std::vector<ContactPtr> contacts;  // routed when new to storage
  std::vector<ContactPtr> leave;     // web leave_message events
  std::int64_t now_ms = 0;
  std::uint64_t lease_epoch = 0;  // cluster mode: routed here under this epoch when the commit confirms it
  IoThread thread;
  std::function<void(Admitted)> later;
  std::vector<storage::ContactWrite> writes;  // one per contact, then one per leave contact
  std::atomic<int> remaining{1};
  std::mutex mu;
  Status error;  // guarded by mu: the first failure

  void Fail(const Status& s) {
    std::lock_guard lock(mu);
    if (error.ok()) error = s;
  }
  // The last completion finishes the request on its I/O thread.
  static void Arrive(const std::shared_ptr<PendingSync>& self) {
    if (self->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (self->thread.io != nullptr) {
      boost::asio::post(*self->thread.io, [self] { self->admission->FinishSync(*self); });
    } else {
      self->admission->FinishSync(*self);
    }
  }
};

std::optional<Admitted> Admission::AdmitSync(const IngestRoute& route, std::vector<Contact>&& contacts,
                                             std::vector<Contact>&& leave_contacts, std::int64_t now_ms,
                                             IoThread thread, std::function<void(Admitted)> later) {
  if (contacts.empty() && leave_contacts.empty()) return Admitted{};
  auto pending = std::make_shared<PendingSync>();
  pending->admission = this;
  pending->route = route;
  pending->now_ms = now_ms;
  pending->thread = thread;
  pending->later = std::move(later);
  pending->contacts.reserve(contacts.size());
  for (Contact& c : contacts) pending->contacts.push_back(std::make_shared<const Contact>(std::move(c)));
  for (Contact& c : leave_contacts) pending->leave.push_back(std::make_shared<const Contact>(std::move(c)));

  if (!shards_.ReserveContacts(route.tenant, pending->contacts.size()).ok()) {
    return Refused(Verdict::kRouterFull, "the router is at capacity");
  }
  // The leave contacts are stored with the others so that their provider ids
  // are durable dedup keys too; the messages are created once they are.
  std::vector<ContactPtr> all = pending->contacts;
  all.insert(all.end(), pending->leave.begin(), pending->leave.end());
  storage::AcceptedContacts record{std::string(route.tenant.config->id), route.id, route.kind, std::move(all)};
  record.leave_from = pending->contacts.size();
  if (ownership_ != nullptr) pending->lease_epoch = record.lease_epoch = ownership_->Epoch(route.tenant.config->id);
  Status s = storage_->AppendContacts(
      std::move(record), [pending](const Status& st, std::span<const storage::ContactWrite> writes) {
        if (!st.ok()) {
          pending->Fail(st);
          PendingSync::Arrive(pending);
          return;
        }
        pending->writes.assign(writes.begin(), writes.end());
        leave::LeaveRepository& repository = pending->admission->storage_->leave_messages();
        for (std::size_t i = 0; i < pending->leave.size(); ++i) {
          if (pending->writes[pending->contacts.size() + i] != storage::ContactWrite::kInserted) continue;
          pending->remaining.fetch_add(1, std::memory_order_relaxed);
          Status created = repository.CreateAsync(
              LeaveMessageOf(pending->admission->QueueOfChannel(pending->route), pending->leave[i],
                             pending->now_ms),
              leave::Actor{"webhook:" + pending->route.id, ""}, [pending](StatusOr<leave::StoredLeaveMessage> m) {
                if (!m.ok()) LogLeaveFailure(m.status());
                PendingSync::Arrive(pending);
              });
          if (!created.ok()) {
            // The contact is stored (pending): a restart routes it as a
            // contact, so it is not lost; this request is still accepted.
            LogLeaveFailure(created);
            pending->remaining.fetch_sub(1, std::memory_order_relaxed);
          }
        }
        PendingSync::Arrive(pending);
      });
  if (!s.ok()) {
    shards_.CancelReservation(route.tenant, pending->contacts.size());
    if (s.code() != StatusCode::kResourceExhausted) {
      return Refused(Verdict::kStorageFailed, "storage is unavailable (" + s.message() + ")");
    }
    return Refused(Verdict::kStorageFull, "storage is at capacity");
  }
  return std::nullopt;
}

void Admission::FinishSync(PendingSync& pending) {
  const IngestRoute& route = pending.route;
  Status error;
  {
    std::lock_guard lock(pending.mu);
    error = pending.error;
  }
  if (!error.ok() || pending.writes.size() != pending.contacts.size() + pending.leave.size()) {
    shards_.CancelReservation(route.tenant, pending.contacts.size());
    counters_->storage_failed.fetch_add(1, std::memory_order_relaxed);
    pending.later(Refused(Verdict::kStorageFailed, "the contacts could not be stored (" + error.message() + ")"));
    return;
  }
  std::vector<ContactPtr> fresh;
  fresh.reserve(pending.contacts.size());
  Admitted result;
  std::uint64_t for_owner = 0;
  for (std::size_t i = 0; i < pending.contacts.size(); ++i) {
    if (pending.writes[i] == storage::ContactWrite::kInserted) {
      fresh.push_back(pending.contacts[i]);
    } else if (pending.writes[i] == storage::ContactWrite::kStoredForOwner) {
      ++for_owner;  // the tenant's owner takes it from storage
    } else {
      ++result.duplicates;
    }
  }
  shards_.CancelReservation(route.tenant, pending.contacts.size() - fresh.size());
  if (!fresh.empty()) HandOffReserved(route, fresh, pending.thread, pending.lease_epoch);
  for (std::size_t i = 0; i < pending.leave.size(); ++i) {
    // Never kStoredForOwner: leave contacts are not routed (AcceptedContacts::leave_from).
    const bool created = pending.writes[pending.contacts.size() + i] == storage::ContactWrite::kInserted;
    result.leave_messages += created;
    result.duplicates += !created;
  }
  result.accepted = fresh.size() + for_owner;
  pending.later(std::move(result));
}

void Admission::HandOffReserved(const IngestRoute& route, std::span<ContactPtr> contacts, IoThread thread,
                                std::uint64_t lease_epoch) {
  if (thread.index >= 0 && static_cast<std::size_t>(thread.index) < producers_.size() && thread.io != nullptr) {
    shard::ShardSet::Producer& producer = *producers_[thread.index];
    const bool flush_pending = producer.has_staged();
    shards_.StageReserved(producer, route.tenant, route.channel, contacts, lease_epoch);
    if (!flush_pending) boost::asio::post(*thread.io, [this, &producer] { shards_.Flush(producer); });
    return;
  }
  std::lock_guard lock(foreign_mu_);
  shards_.StageReserved(*foreign_producer_, route.tenant, route.channel, contacts, lease_epoch);
  shards_.Flush(*foreign_producer_);
}

Status Admission::Submit(const IngestRoute& route, std::span<ContactPtr> contacts, IoThread thread) {
  if (thread.index >= 0 && static_cast<std::size_t>(thread.index) < producers_.size() && thread.io != nullptr) {
    shard::ShardSet::Producer& producer = *producers_[thread.index];
    const bool flush_pending = producer.has_staged();
    Status s = shards_.StageContacts(producer, route.tenant, route.channel, contacts);
    if (s.ok() && !flush_pending) boost::asio::post(*thread.io, [this, &producer] { shards_.Flush(producer); });
    return s;
  }
  std::lock_guard lock(foreign_mu_);
  return shards_.SubmitContacts(*foreign_producer_, route.tenant, route.channel, contacts);
}

void Admission::FlushAll() {
  for (auto& p : producers_) shards_.Flush(*p);
}

std::string Admission::QueueOfChannel(const IngestRoute& route) const {
  // As in effect: a reload may have moved the channel to another queue.
  const std::shared_ptr<const config::TenantConfig> tenant = shards_.tenant_configs().Get(route.tenant.config->id);
  const config::TenantConfig& t = tenant != nullptr ? *tenant : *route.tenant.config;
  return route.channel < t.channels.size() ? t.channels[route.channel].skill_queue : std::string();
}

}  // namespace routerd::ingest
