#include "engine/storage/journal_records.h"

#include <utility>

namespace routerd::storage {
namespace {

std::string SessionName(const std::string& tenant_id, std::uint64_t session_id) {
  return "session " + tenant_id + "/" + std::to_string(session_id);
}

Status InsertAttachments(SqliteConnection& conn, std::int64_t seq, const Contact& c) {
  for (std::size_t i = 0; i < c.attachments.size(); ++i) {
    const AttachmentRef& a = c.attachments[i];
    StatusOr<Statement> st = conn.Prepare(
        "INSERT INTO contact_attachments (contact_seq, ordinal, type, reference, mime, size_bytes, name)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st.ok()) return st.status();
    st->Bind(1, seq).Bind(2, static_cast<std::int64_t>(i)).Bind(3, a.type).Bind(4, a.reference).Bind(5, a.mime);
    if (a.size_bytes) {
      st->Bind(6, static_cast<std::int64_t>(*a.size_bytes));
    } else {
      st->BindNull(6);
    }
    ROUTERD_RETURN_IF_ERROR(st->Bind(7, a.name).Run());
  }
  return Status::Ok();
}

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
    for (const ContactPtr& c : contacts_.contacts) {
      StatusOr<Statement> st = ctx.conn.Prepare(
          "INSERT INTO contacts (tenant_id, channel_kind, channel_id, customer_id, display_name,"
          " provider_message_id, text, sent_at_ms, received_at_ms, accepted_at_ms)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
          " ON CONFLICT (channel_id, provider_message_id) DO NOTHING");
      if (!st.ok()) return st.status();
      st->Bind(1, contacts_.tenant_id)
          .Bind(2, contacts_.channel_kind)
          .Bind(3, contacts_.channel_id)
          .Bind(4, c->customer_id)
          .Bind(5, c->display_name)
          .BindTextOrNull(6, c->provider_message_id)
          .Bind(7, c->text)
          .Bind(8, c->sent_at_ms)
          .Bind(9, c->received_at_ms)
          .Bind(10, ctx.now_ms);
      ROUTERD_RETURN_IF_ERROR(st->Run());
      if (ctx.conn.Changes() == 0) {
        outcome_.push_back(ContactWrite::kDuplicate);
        continue;
      }
      ROUTERD_RETURN_IF_ERROR(InsertAttachments(ctx.conn, ctx.conn.LastInsertRowId(), *c));
      outcome_.push_back(ContactWrite::kInserted);
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

// Marks the contacts as routed into the session.
Status BindContacts(WriteContext& ctx, const std::string& tenant_id, std::uint64_t session_id,
                    const std::vector<ContactPtr>& contacts) {
  for (const ContactPtr& c : contacts) {
    if (!c || c->provider_message_id.empty()) continue;  // unkeyed: cannot be named
    StatusOr<Statement> st = ctx.conn.Prepare(
        "UPDATE contacts SET session_id = ?1 WHERE channel_id = ?2 AND provider_message_id = ?3 AND tenant_id = ?4");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(st->Bind(1, static_cast<std::int64_t>(session_id))
                                .Bind(2, c->channel_id)
                                .Bind(3, c->provider_message_id)
                                .Bind(4, tenant_id)
                                .Run());
    if (ctx.conn.Changes() == 0) ++ctx.unmatched_contact_keys;
  }
  return Status::Ok();
}

// Each Apply returns a storage error; a logical refusal (unknown or duplicate
// session) goes to *skipped and writes nothing.
struct EventApplier {
  WriteContext& ctx;
  Status* skipped;

  Status operator()(const SessionOpened& e) {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "INSERT INTO sessions (tenant_id, session_id, channel_kind, channel_id, customer_id, queue_id, arrival_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (tenant_id, session_id) DO NOTHING");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(st->Bind(1, e.tenant_id)
                                .Bind(2, static_cast<std::int64_t>(e.session_id))
                                .Bind(3, e.channel_kind)
                                .Bind(4, e.channel_id)
                                .Bind(5, e.customer_id)
                                .Bind(6, e.queue_id)
                                .Bind(7, e.arrival_ms)
                                .Run());
    if (ctx.conn.Changes() == 0) {
      *skipped = Status::AlreadyExists(SessionName(e.tenant_id, e.session_id) + " is already stored");
      return Status::Ok();
    }
    return BindContacts(ctx, e.tenant_id, e.session_id, e.contacts);
  }

  Status operator()(const SessionAssigned& e) {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "UPDATE sessions SET employee_id = ?3, assigned_at_ms = ?4"
        " WHERE tenant_id = ?1 AND session_id = ?2 AND ended_at_ms IS NULL");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(st->Bind(1, e.tenant_id)
                                .Bind(2, static_cast<std::int64_t>(e.session_id))
                                .Bind(3, e.employee_id)
                                .Bind(4, ctx.now_ms)
                                .Run());
    if (ctx.conn.Changes() == 0) return NotOpen(e.tenant_id, e.session_id);
    return BindContacts(ctx, e.tenant_id, e.session_id, e.contacts);
  }

  Status operator()(const SessionRequeued& e) {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "UPDATE sessions SET employee_id = NULL, assigned_at_ms = NULL,"
        " queue_id = CASE WHEN ?3 = '' THEN queue_id ELSE ?3 END"
        " WHERE tenant_id = ?1 AND session_id = ?2 AND ended_at_ms IS NULL");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(
        st->Bind(1, e.tenant_id).Bind(2, static_cast<std::int64_t>(e.session_id)).Bind(3, e.queue_id).Run());
    if (ctx.conn.Changes() == 0) return NotOpen(e.tenant_id, e.session_id);
    return Status::Ok();
  }

  Status operator()(const SessionContactsAdded& e) {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "SELECT 1 FROM sessions WHERE tenant_id = ?1 AND session_id = ?2 AND ended_at_ms IS NULL");
    if (!st.ok()) return st.status();
    StatusOr<bool> row = st->Bind(1, e.tenant_id).Bind(2, static_cast<std::int64_t>(e.session_id)).Step();
    if (!row.ok()) return row.status();
    if (!*row) return NotOpen(e.tenant_id, e.session_id);
    return BindContacts(ctx, e.tenant_id, e.session_id, e.contacts);
  }

  Status operator()(const SessionEnded& e) {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "UPDATE sessions SET ended_at_ms = ?3, end_reason = ?4"
        " WHERE tenant_id = ?1 AND session_id = ?2 AND ended_at_ms IS NULL");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(st->Bind(1, e.tenant_id)
                                .Bind(2, static_cast<std::int64_t>(e.session_id))
                                .Bind(3, ctx.now_ms)
                                .Bind(4, e.reason)
                                .Run());
    if (ctx.conn.Changes() == 0) return NotOpen(e.tenant_id, e.session_id);
    return Status::Ok();
  }

  Status NotOpen(const std::string& tenant_id, std::uint64_t session_id) {
    *skipped = Status::NotFound("no open " + SessionName(tenant_id, session_id));
    return Status::Ok();
  }
};

class SessionEventsRecord final : public JournalRecord {
 public:
  SessionEventsRecord(std::vector<SessionEvent> events, std::function<void(const Status&)> done)
      : events_(std::move(events)), done_(std::move(done)) {}

  // Events that do not apply are skipped, not failed: only storage fails it.
  bool may_fail_alone() const override { return false; }

  Status Apply(WriteContext& ctx) override {
    first_skipped_ = Status::Ok();
    for (const SessionEvent& e : events_) {
      Status skipped;
      ROUTERD_RETURN_IF_ERROR(std::visit(EventApplier{ctx, &skipped}, e));
      if (!skipped.ok() && first_skipped_.ok()) first_skipped_ = std::move(skipped);
    }
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status.ok() ? first_skipped_ : status);
  }

 private:
  std::vector<SessionEvent> events_;
  std::function<void(const Status&)> done_;
  Status first_skipped_;
};

}  // namespace

JournalRecordPtr MakeAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done) {
  return std::make_unique<AcceptedContactsRecord>(std::move(contacts), std::move(done));
}

JournalRecordPtr MakeSessionEventsRecord(std::vector<SessionEvent> events, std::function<void(const Status&)> done) {
  return std::make_unique<SessionEventsRecord>(std::move(events), std::move(done));
}

}  // namespace routerd::storage
