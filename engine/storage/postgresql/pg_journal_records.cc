#include "engine/storage/postgresql/pg_journal_records.h"

#include <utility>

namespace routerd::storage {
namespace {

class AcceptedContactsRecord final : public PgRecord {
 public:
  AcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done)
      : contacts_(std::move(contacts)), done_(std::move(done)) {}

  bool ingress() const override { return true; }
  bool rows_only() const override { return true; }

  Status Apply(PgWriteContext& ctx) override {
    // Sized once: the rows point into it until they are flushed.
    outcome_.assign(contacts_.contacts.size(), ContactWrite::kInserted);
    for (std::size_t i = 0; i < contacts_.contacts.size(); ++i) {
      ctx.rows.AddContact(contacts_, *contacts_.contacts[i], &outcome_[i]);
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
  SessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done)
      : events_(std::move(events)), done_(std::move(done)) {}

  bool rows_only() const override { return true; }

  Status Apply(PgWriteContext& ctx) override {
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
};

}  // namespace

PgRecordPtr MakePgAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done) {
  return std::make_unique<AcceptedContactsRecord>(std::move(contacts), std::move(done));
}

PgRecordPtr MakePgSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done) {
  return std::make_unique<SessionEventsRecord>(std::move(events), std::move(done));
}

}  // namespace routerd::storage
