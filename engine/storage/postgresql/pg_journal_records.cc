#include "engine/storage/postgresql/pg_journal_records.h"

#include <algorithm>
#include <utility>

namespace routerd::storage {
namespace {

class AcceptedContactsRecord final : public PgRecord {
 public:
  AcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done)
      : contacts_(std::move(contacts)), done_(std::move(done)) {}

  bool ingress() const override { return true; }
  bool rows_only() const override { return true; }
  const std::string* fenced_tenant() const override {
    return contacts_.lease_epoch > 0 ? &contacts_.tenant_id : nullptr;
  }

  Status Apply(PgWriteContext& ctx) override {
    const std::size_t n = contacts_.contacts.size();
    // Contacts from leave_from on become leave messages, never routed: never
    // the owner's to route either.
    const std::size_t routed = std::min(contacts_.leave_from, n);
    bool for_owner = false;
    if (ctx.leases != nullptr) {
      // The inbox names a contact by its key: one without cannot be handed
      // to the owner (adapters always set one).
      for (std::size_t i = 0; i < routed; ++i) {
        if (contacts_.contacts[i]->provider_message_id.empty()) {
          return Status::InvalidArgument("cluster mode: a contact of tenant " + contacts_.tenant_id +
                                         " on channel " + contacts_.channel_id + " has no provider message id");
        }
      }
      for_owner = !ctx.leases->Holds(contacts_.tenant_id, contacts_.lease_epoch);
    }
    // Sized once: the rows point into it until they are flushed.
    outcome_.assign(n, ContactWrite::kInserted);
    for (std::size_t i = 0; i < n; ++i) {
      ctx.rows.AddContact(contacts_, *contacts_.contacts[i], &outcome_[i], for_owner && i < routed);
    }
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (!done_) return;
    if (status.ok()) {
      done_(status, outcome_);
    } else {
      done_(status, {});
    }
  }

 private:
  AcceptedContacts contacts_;
  AcceptedContactsDone done_;
  std::vector<ContactWrite> outcome_;
};

class SessionEventsRecord final : public PgRecord {
 public:
  // `epoch` > 0: a cluster owner's events of one tenant, fenced by its lease
  // at that epoch.
  SessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done, std::uint64_t epoch = 0)
      : events_(std::move(events)), done_(std::move(done)), epoch_(epoch) {
    if (epoch_ > 0 && !events_.empty()) tenant_ = TenantOf(events_.front());
  }

  bool rows_only() const override { return true; }
  const std::string* fenced_tenant() const override { return epoch_ > 0 ? &tenant_ : nullptr; }

  Status Apply(PgWriteContext& ctx) override {
    if (epoch_ > 0 && ctx.leases != nullptr && !ctx.leases->Holds(tenant_, epoch_)) {
      return LeaseNotHeld(tenant_, epoch_);
    }
    return ForEachEventRow(events_, [&ctx](const SessionEventWrite& row) {
      ctx.rows.AddEvent(row);
      return Status::Ok();
    });
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  std::vector<SessionEvent> events_;
  SessionEventsDone done_;
  std::uint64_t epoch_;
  std::string tenant_;
};

}  // namespace

PgRecordPtr MakePgAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done) {
  return std::make_unique<AcceptedContactsRecord>(std::move(contacts), std::move(done));
}

PgRecordPtr MakePgSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done) {
  return std::make_unique<SessionEventsRecord>(std::move(events), std::move(done));
}

PgRecordPtr MakePgFencedSessionEventsRecord(std::vector<SessionEvent> events, std::uint64_t lease_epoch,
                                            SessionEventsDone done) {
  return std::make_unique<SessionEventsRecord>(std::move(events), std::move(done), lease_epoch);
}

}  // namespace routerd::storage
