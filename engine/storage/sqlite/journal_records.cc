#include "engine/storage/sqlite/journal_records.h"

#include <utility>

#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {
namespace {

class AcceptedContactsRecord final : public JournalRecord {
 public:
  AcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done)
      : contacts_(std::move(contacts)), done_(std::move(done)) {}

  bool ingress() const override { return true; }
  // Fails only when storage does (a duplicate key is an outcome, not an error).
  bool may_fail_alone() const override { return false; }

  Status Apply(WriteContext& ctx) override {
    outcome_.clear();
    outcome_.reserve(contacts_.contacts.size());
    ContactLogBuilder& row = ctx.contact_log.row;
    row.BeginGroup(contacts_.tenant_id, contacts_.channel_kind, contacts_.channel_id);
    for (const ContactPtr& c : contacts_.contacts) {
      bool inserted = true;
      if (!c->provider_message_id.empty()) {
        StatusOr<bool> claimed = ClaimContactKey(ctx.conn, ctx.contact_log, contacts_.channel_id, c->provider_message_id);
        if (!claimed.ok()) return claimed.status();
        inserted = *claimed;
      }
      if (inserted) row.Add(*c);
      outcome_.push_back(inserted ? ContactWrite::kInserted : ContactWrite::kDuplicate);
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

class SessionEventsRecord final : public JournalRecord {
 public:
  SessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done)
      : events_(std::move(events)), done_(std::move(done)) {}

  bool may_fail_alone() const override { return false; }

  Status Apply(WriteContext& ctx) override {
    return ForEachEventRow(events_, [&ctx](const SessionEventWrite& row) -> Status {
      ROUTERD_RETURN_IF_ERROR(AppendSessionEvent(ctx, row));
      if (row.kind == SessionEventKind::kOpened) {
        ctx.open_sessions.Opened(*row.tenant_id, row.session_id, ctx.now_ms);
      } else if (row.kind == SessionEventKind::kEnded) {
        ctx.open_sessions.Ended(*row.tenant_id, row.session_id);
      }
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

class TenantRecord final : public JournalRecord {
 public:
  TenantRecord(std::string tenant_id, std::function<void(const Status&)> done)
      : tenant_id_(std::move(tenant_id)), done_(std::move(done)) {}
  bool may_fail_alone() const override { return false; }
  Status Apply(WriteContext& ctx) override { return RecordTenant(ctx.conn, tenant_id_, ctx.now_ms); }
  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  std::string tenant_id_;
  std::function<void(const Status&)> done_;
};

}  // namespace

Status AppendSessionEvent(WriteContext& ctx, const SessionEventWrite& r) {
  if (r.kind != SessionEventKind::kTrace) {
    ctx.event_log.Add(r);
    return Status::Ok();
  }
  // A trace is read back by session, through session_events' partial index.
  StatusOr<Statement> st = ctx.conn.Prepare(
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return st.status();
  st->Bind(1, ctx.now_ms).BindView(2, *r.tenant_id).Bind(3, static_cast<std::int64_t>(r.session_id));
  st->Bind(4, static_cast<std::int64_t>(r.kind));
  if (r.detail != nullptr) {
    st->BindView(5, *r.detail);
  } else {
    st->BindNull(5);
  }
  return st->Run();
}

Status RecordTenant(SqliteConnection& conn, const std::string& tenant_id, std::int64_t now_ms) {
  StatusOr<Statement> st =
      conn.Prepare("INSERT OR IGNORE INTO tenants (tenant_id, recorded_at_ms) VALUES (?1, ?2)");
  if (!st.ok()) return st.status();
  return st->Bind(1, tenant_id).Bind(2, now_ms).Run();
}

JournalRecordPtr MakeAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done) {
  return std::make_unique<AcceptedContactsRecord>(std::move(contacts), std::move(done));
}

JournalRecordPtr MakeSessionEventsRecord(std::vector<SessionEvent> events, SessionEventsDone done) {
  return std::make_unique<SessionEventsRecord>(std::move(events), std::move(done));
}

JournalRecordPtr MakeTenantRecord(std::string tenant_id, std::function<void(const Status&)> done) {
  return std::make_unique<TenantRecord>(std::move(tenant_id), std::move(done));
}

}  // namespace routerd::storage
