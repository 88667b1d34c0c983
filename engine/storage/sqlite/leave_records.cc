#include "engine/storage/sqlite/leave_records.h"

#include <memory>
#include <utility>

#include "engine/leave/leave_audit.h"
#include "engine/storage/sqlite/attachment_files.h"
#include "engine/storage/sqlite/journal_records.h"
#include "engine/storage/sqlite/leave_rows.h"
#include "engine/storage/sqlite/schema.h"

namespace routerd::storage {
namespace {

using leave::Actor;
using leave::LeaveStatus;
using leave::LeaveStatusName;
using leave::StoredLeaveMessage;

class CreateRecord final : public JournalRecord {
 public:
  CreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, Actor actor,
               leave::LeaveRepository::Done done)
      : message_(std::move(message)), voice_(std::move(voice)), actor_(std::move(actor)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    SqliteConnection& conn = ctx.conn;
    const leave::LeaveMessage& m = message_;
    const LeaveMessageSummary summary = SummarizeLeaveMessage(m);
    const AttachmentRef* first_attachment = summary.first_attachment;
    std::int64_t created = m.created_at_ms > 0 ? m.created_at_ms : ctx.now_ms;
    {
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO leave_messages (tenant_id, channel_kind, channel_id, customer_id, display_name, text,"
          " attachment_ref, attachment_mime, attachment_sha256, skill_queue, reason, status, created_at_ms,"
          " updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'to_be_allocated', ?12, ?12)");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, m.tenant_id)
                                  .Bind(2, m.channel_kind)
                                  .Bind(3, m.channel_id)
                                  .Bind(4, m.customer_id)
                                  .Bind(5, m.display_name)
                                  .Bind(6, summary.text)
                                  .Bind(7, first_attachment ? first_attachment->reference : std::string())
                                  .Bind(8, first_attachment ? first_attachment->mime : std::string())
                                  .Bind(9, "")
                                  .Bind(10, m.skill_queue)
                                  .Bind(11, m.reason)
                                  .Bind(12, created)
                                  .Run());
    }
    std::int64_t id = conn.LastInsertRowId();
    ROUTERD_RETURN_IF_ERROR(InsertParts(conn, id));
    if (voice_) {
      std::string rel = VoiceAttachmentRef(id, voice_->extension);
      ROUTERD_RETURN_IF_ERROR(WriteFileDurably(ctx.data_dir, rel, voice_->audio));
      file_ = rel;
      data_dir_ = ctx.data_dir;
      StatusOr<Statement> st = conn.Prepare(
          "UPDATE leave_messages SET attachment_ref = ?2, attachment_sha256 = ?3, attachment_mime = ?4 WHERE id = ?1");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, id).Bind(2, rel).Bind(3, voice_->sha256).Bind(4, voice_->mime).Run());
    }
    ROUTERD_RETURN_IF_ERROR(KeepContacts(ctx, id));
    ROUTERD_RETURN_IF_ERROR(
        InsertHistory(conn, id, created, actor_.id, "create", std::nullopt, LeaveStatus::kToBeAllocated, m.reason));
    StatusOr<StoredLeaveMessage> result = LoadMessage(conn, m.tenant_id, id);
    if (!result.ok()) return result.status();
    result_ = std::move(result).value();
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (!status.ok() && !file_.empty()) RemoveFile(data_dir_, file_);
    if (!done_) return;
    if (status.ok()) {
      done_(std::move(result_));
    } else {
      done_(status);
    }
  }

 private:
  Status InsertParts(SqliteConnection& conn, std::int64_t id) {
    std::int64_t attachment_ordinal = 0;
    for (std::size_t i = 0; i < message_.messages.size(); ++i) {
      const Contact& c = *message_.messages[i];
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO leave_message_parts (message_id, ordinal, provider_message_id, sent_at_ms, text)"
          " VALUES (?1, ?2, ?3, ?4, ?5)");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, id)
                                  .Bind(2, static_cast<std::int64_t>(i))
                                  .Bind(3, c.provider_message_id)
                                  .Bind(4, c.sent_at_ms)
                                  .Bind(5, c.text)
                                  .Run());
      for (const AttachmentRef& a : c.attachments) {
        StatusOr<Statement> at = conn.Prepare(
            "INSERT INTO leave_message_attachments (message_id, ordinal, part, type, reference, mime, size_bytes,"
            " name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!at.ok()) return at.status();
        at->Bind(1, id).Bind(2, attachment_ordinal++).Bind(3, static_cast<std::int64_t>(i));
        at->Bind(4, a.type).Bind(5, a.reference).Bind(6, a.mime);
        if (a.size_bytes) {
          at->Bind(7, static_cast<std::int64_t>(*a.size_bytes));
        } else {
          at->BindNull(7);
        }
        ROUTERD_RETURN_IF_ERROR(at->Bind(8, a.name).Run());
      }
    }
    return Status::Ok();
  }

  // The contacts are now kept in the message: not pending after a restart.
  // The session that became this message (if any) is over.
  Status KeepContacts(WriteContext& ctx, std::int64_t id) {
    const std::string detail = std::to_string(id);
    for (const ContactPtr& c : message_.messages) {
      if (c->provider_message_id.empty()) continue;
      SessionEventWrite row;
      row.kind = SessionEventKind::kKept;
      row.tenant_id = &message_.tenant_id;
      row.session_id = message_.session_id;
      row.contact = c.get();
      row.detail = &detail;
      ROUTERD_RETURN_IF_ERROR(AppendSessionEvent(ctx, row));
    }
    if (message_.session_id == 0) return Status::Ok();
    static const std::string kReason = "leave_message";
    SessionEventWrite ended;
    ended.kind = SessionEventKind::kEnded;
    ended.tenant_id = &message_.tenant_id;
    ended.session_id = message_.session_id;
    ended.detail = &kReason;
    ROUTERD_RETURN_IF_ERROR(AppendSessionEvent(ctx, ended));
    ctx.open_sessions.Ended(message_.tenant_id, message_.session_id);
    return Status::Ok();
  }

  leave::LeaveMessage message_;
  std::optional<VoiceFile> voice_;
  Actor actor_;
  leave::LeaveRepository::Done done_;
  StoredLeaveMessage result_;
  std::string file_;
  std::string data_dir_;
};

class TransitionRecord final : public JournalRecord {
 public:
  TransitionRecord(leave::LeaveTransition t, Actor actor, leave::LeaveRepository::Done done)
      : t_(std::move(t)), actor_(std::move(actor)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    SqliteConnection& conn = ctx.conn;
    StatusOr<StoredLeaveMessage> current = LoadMessage(conn, t_.tenant_id, t_.id);
    if (!current.ok()) return current.status();
    StatusOr<LeaveChange> change = PlanLeaveTransition(t_, actor_, *current);
    if (!change.ok()) return change.status();
    if (change->call_id) ROUTERD_RETURN_IF_ERROR(CheckCallRequested(conn, *change->call_id));
    if (change->audit) {
      ROUTERD_RETURN_IF_ERROR(InsertHistory(conn, t_.id, ctx.now_ms, actor_.id, change->action, change->from,
                                            change->to, change->detail));
      result_ = std::move(current).value();
      return Status::Ok();
    }
    StatusOr<Statement> st = conn.Prepare(
        "UPDATE leave_messages SET status = ?2, updated_at_ms = ?3, employee_id = COALESCE(?4, employee_id),"
        " business_account = COALESCE(?5, business_account), handling_comments = COALESCE(?6, handling_comments)"
        " WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, t_.id).Bind(2, LeaveStatusName(change->to)).Bind(3, ctx.now_ms);
    st->BindOptional(4, change->employee_id).BindOptional(5, change->business_account);
    ROUTERD_RETURN_IF_ERROR(st->BindOptional(6, change->handling_comments).Run());
    ROUTERD_RETURN_IF_ERROR(InsertHistory(conn, t_.id, ctx.now_ms, actor_.id, change->action, change->from,
                                          change->to, change->detail));
    StatusOr<StoredLeaveMessage> updated = LoadMessage(conn, t_.tenant_id, t_.id);
    if (!updated.ok()) return updated.status();
    result_ = std::move(updated).value();
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (status.ok()) {
      done_(std::move(result_));
    } else {
      done_(status);
    }
  }

 private:
  // A call's outcome is kept only on the message that asked for that call.
  Status CheckCallRequested(SqliteConnection& conn, const std::string& call_id) const {
    const std::string named = leave::CallAuditDetail(call_id, "");
    StatusOr<Statement> st = conn.Prepare(
        "SELECT EXISTS (SELECT 1 FROM leave_message_history WHERE message_id = ?1 AND action = ?2"
        " AND (detail = ?3 OR substr(detail, 1, length(?3) + 1) = ?3 || ' '))");
    if (!st.ok()) return st.status();
    st->Bind(1, t_.id).Bind(2, leave::LeaveAuditName(leave::LeaveAudit::kCallRequested)).Bind(3, named);
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row || st->ColumnInt64(0) == 0) return CallNotRequested(t_.id, call_id);
    return Status::Ok();
  }

  leave::LeaveTransition t_;
  Actor actor_;
  leave::LeaveRepository::Done done_;
  StoredLeaveMessage result_;
};

}  // namespace

JournalRecordPtr MakeLeaveCreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, leave::Actor actor,
                                       leave::LeaveRepository::Done done) {
  return std::make_unique<CreateRecord>(std::move(message), std::move(voice), std::move(actor), std::move(done));
}

JournalRecordPtr MakeLeaveTransitionRecord(leave::LeaveTransition t, leave::Actor actor,
                                           leave::LeaveRepository::Done done) {
  return std::make_unique<TransitionRecord>(std::move(t), std::move(actor), std::move(done));
}

}  // namespace routerd::storage
