#include "engine/storage/postgresql/pg_leave_records.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/leave/leave_audit.h"
#include "engine/storage/journal_model.h"
#include "engine/storage/postgresql/pg_bulk_rows.h"
#include "engine/storage/postgresql/pg_leave_rows.h"

namespace routerd::storage {
namespace {

using leave::Actor;
using leave::LeaveStatus;
using leave::LeaveStatusName;
using leave::StoredLeaveMessage;

class CreateRecord final : public PgRecord {
 public:
  CreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, Actor actor,
               leave::LeaveRepository::Done done)
      : message_(std::move(message)), voice_(std::move(voice)), actor_(std::move(actor)), done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    PgConnection& conn = ctx.conn;
    const leave::LeaveMessage& m = message_;
    const LeaveMessageSummary summary = SummarizeLeaveMessage(m);
    const AttachmentRef* first_attachment = summary.first_attachment;
    const std::int64_t created = m.created_at_ms > 0 ? m.created_at_ms : ctx.now_ms;
    PgParams p;
    p.Add(std::string_view(m.tenant_id)).Add(std::string_view(m.channel_kind)).Add(std::string_view(m.channel_id));
    p.Add(std::string_view(m.customer_id)).Add(std::string_view(m.display_name)).Add(std::string_view(summary.text));
    p.Add(first_attachment ? std::string_view(first_attachment->reference) : std::string_view());
    p.Add(first_attachment ? std::string_view(first_attachment->mime) : std::string_view());
    p.Add(std::string_view()).Add(std::string_view(m.skill_queue)).Add(std::string_view(m.reason)).Add(created);
    StatusOr<PgResult> row = conn.Query(
        std::string("INSERT INTO leave_messages (tenant_id, channel_kind, channel_id, customer_id, display_name, text,"
                    " attachment_ref, attachment_mime, attachment_sha256, skill_queue, reason, status, created_at_ms,"
                    " updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'to_be_allocated', $12,"
                    " $12) RETURNING ") +
            kPgLeaveMessageColumns,
        p);
    if (!row.ok()) return row.status();
    const std::int64_t id = row->Int64(0, 0);
    ROUTERD_RETURN_IF_ERROR(InsertParts(conn, id));
    if (voice_) {
      row = StoreVoice(conn, id);
      if (!row.ok()) return row.status();
    }
    ROUTERD_RETURN_IF_ERROR(KeepContacts(ctx, id));
    ROUTERD_RETURN_IF_ERROR(
        InsertHistory(conn, id, created, actor_.id, "create", std::nullopt, LeaveStatus::kToBeAllocated, m.reason));
    // The row as stored; the parts and attachments are the ones just written
    // (what LoadMessage would read back, without the two reads).
    StatusOr<StoredLeaveMessage> result = ReadMessageRow(*row, 0);
    if (!result.ok()) return result.status();
    for (std::size_t i = 0; i < m.messages.size(); ++i) {
      const Contact& c = *m.messages[i];
      result->parts.push_back({c.provider_message_id, c.sent_at_ms, c.text});
      for (const AttachmentRef& a : c.attachments) result->attachments.push_back({i, a});
    }
    result_ = std::move(result).value();
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (!done_) return;
    if (status.ok()) {
      done_(std::move(result_));
    } else {
      done_(status);
    }
  }

 private:
  // One statement per table, whatever the number of parts: the columns travel
  // as arrays, unnested in order (WITH ORDINALITY numbers them).
  Status InsertParts(PgConnection& conn, std::int64_t id) const {
    if (message_.messages.empty()) return Status::Ok();
    std::vector<std::string_view> provider_ids, texts, types, references, mimes, names;
    std::vector<std::optional<std::int64_t>> sent, parts, sizes;
    for (std::size_t i = 0; i < message_.messages.size(); ++i) {
      const Contact& c = *message_.messages[i];
      provider_ids.push_back(c.provider_message_id);
      sent.emplace_back(c.sent_at_ms);
      texts.push_back(c.text);
      for (const AttachmentRef& a : c.attachments) {
        parts.emplace_back(static_cast<std::int64_t>(i));
        types.push_back(a.type);
        references.push_back(a.reference);
        mimes.push_back(a.mime);
        sizes.push_back(a.size_bytes ? std::optional<std::int64_t>(static_cast<std::int64_t>(*a.size_bytes))
                                     : std::nullopt);
        names.push_back(a.name);
      }
    }
    PgParams p;
    p.Add(id).Add(std::string_view(PgTextArray(provider_ids))).Add(std::string_view(PgInt64Array(sent)));
    p.Add(std::string_view(PgTextArray(texts)));
    StatusOr<PgResult> done = conn.Query(
        "INSERT INTO leave_message_parts (message_id, ordinal, provider_message_id, sent_at_ms, text)"
        " SELECT $1::bigint, u.ord - 1, u.provider_message_id, u.sent_at_ms, u.text"
        " FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY"
        " AS u(provider_message_id, sent_at_ms, text, ord) ORDER BY u.ord",
        p);
    if (!done.ok()) return done.status();
    if (parts.empty()) return Status::Ok();
    p.Clear();
    p.Add(id).Add(std::string_view(PgInt64Array(parts))).Add(std::string_view(PgTextArray(types)));
    p.Add(std::string_view(PgTextArray(references))).Add(std::string_view(PgTextArray(mimes)));
    p.Add(std::string_view(PgInt64Array(sizes))).Add(std::string_view(PgTextArray(names)));
    done = conn.Query(
        "INSERT INTO leave_message_attachments (message_id, ordinal, part, type, reference, mime, size_bytes, name)"
        " SELECT $1::bigint, u.ord - 1, u.part, u.kind, u.reference, u.mime, u.size_bytes, u.name"
        " FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY"
        " AS u(part, kind, reference, mime, size_bytes, name, ord) ORDER BY u.ord",
        p);
    return done.ok() ? Status::Ok() : done.status();
  }

  // The audio goes into the database with the message, so that every
  // instance serves it and a rollback leaves no file behind. Returns the
  // message row with its attachment columns set.
  StatusOr<PgResult> StoreVoice(PgConnection& conn, std::int64_t id) const {
    PgParams p;
    p.Add(id).AddBytes(voice_->audio);
    StatusOr<PgResult> stored = conn.Query("INSERT INTO leave_voice_files (message_id, bytes) VALUES ($1, $2)", p);
    if (!stored.ok()) return stored.status();
    p.Clear();
    p.Add(id).Add(std::string_view(VoiceAttachmentRef(id, voice_->extension)));
    p.Add(std::string_view(voice_->sha256)).Add(std::string_view(voice_->mime));
    return conn.Query(std::string("UPDATE leave_messages SET attachment_ref = $2, attachment_sha256 = $3,"
                                  " attachment_mime = $4 WHERE id = $1 RETURNING ") +
                          kPgLeaveMessageColumns,
                      p);
  }

  // The contacts are now kept in the message: not pending after a restart.
  // The session that became this message (if any) is over. The rows are the
  // journal's (PgBulkRows writes them, as for every session event), written
  // here, inside this record's savepoint, so that they go with the message.
  Status KeepContacts(PgWriteContext& ctx, std::int64_t id) const {
    const std::string detail = std::to_string(id);
    PgBulkRows rows;
    for (const ContactPtr& c : message_.messages) {
      if (c->provider_message_id.empty()) continue;
      SessionEventWrite row;
      row.kind = SessionEventKind::kKept;
      row.tenant_id = &message_.tenant_id;
      row.session_id = message_.session_id;
      row.contact = c.get();
      row.detail = &detail;
      rows.AddEvent(row);
    }
    if (message_.session_id != 0) {
      static const std::string kReason = "leave_message";
      SessionEventWrite ended;
      ended.kind = SessionEventKind::kEnded;
      ended.tenant_id = &message_.tenant_id;
      ended.session_id = message_.session_id;
      ended.detail = &kReason;
      rows.AddEvent(ended);
    }
    return rows.Flush(ctx.conn, ctx.now_ms);
  }

  leave::LeaveMessage message_;
  std::optional<VoiceFile> voice_;
  Actor actor_;
  leave::LeaveRepository::Done done_;
  StoredLeaveMessage result_;
};

class TransitionRecord final : public PgRecord {
 public:
  TransitionRecord(leave::LeaveTransition t, Actor actor, leave::LeaveRepository::Done done)
      : t_(std::move(t)), actor_(std::move(actor)), done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    PgConnection& conn = ctx.conn;
    // Locked until the commit: the status checked here is the one changed.
    StatusOr<StoredLeaveMessage> current = LoadMessage(conn, t_.tenant_id, t_.id, /*for_update=*/true);
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
    PgParams p;
    p.Add(t_.id).Add(LeaveStatusName(change->to)).Add(ctx.now_ms);
    p.AddOptional(change->employee_id).AddOptional(change->business_account).AddOptional(change->handling_comments);
    StatusOr<PgResult> row = conn.Query(
        std::string("UPDATE leave_messages SET status = $2, updated_at_ms = $3,"
                    " employee_id = COALESCE($4::text, employee_id),"
                    " business_account = COALESCE($5::text, business_account),"
                    " handling_comments = COALESCE($6::text, handling_comments) WHERE id = $1 RETURNING ") +
            kPgLeaveMessageColumns,
        p);
    if (!row.ok()) return row.status();
    if (row->rows() != 1) return Status::Internal(LeaveMessageName(t_.id) + " vanished while locked");
    StatusOr<StoredLeaveMessage> updated = ReadMessageRow(*row, 0);
    if (!updated.ok()) return updated.status();
    ROUTERD_RETURN_IF_ERROR(InsertHistory(conn, t_.id, ctx.now_ms, actor_.id, change->action, change->from,
                                          change->to, change->detail));
    updated->parts = std::move(current->parts);  // a transition changes neither
    updated->attachments = std::move(current->attachments);
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
  Status CheckCallRequested(PgConnection& conn, const std::string& call_id) const {
    PgParams p;
    p.Add(t_.id).Add(leave::LeaveAuditName(leave::LeaveAudit::kCallRequested));
    p.Add(std::string_view(leave::CallAuditDetail(call_id, "")));
    StatusOr<PgResult> r = conn.Query(
        "SELECT EXISTS (SELECT 1 FROM leave_message_history WHERE message_id = $1 AND action = $2"
        " AND (detail = $3::text OR left(detail, length($3::text) + 1) = $3::text || ' '))",
        p);
    if (!r.ok()) return r.status();
    if (r->rows() != 1 || r->Text(0, 0) != "t") return CallNotRequested(t_.id, call_id);
    return Status::Ok();
  }

  leave::LeaveTransition t_;
  Actor actor_;
  leave::LeaveRepository::Done done_;
  StoredLeaveMessage result_;
};

}  // namespace

PgRecordPtr MakePgLeaveCreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, leave::Actor actor,
                                    leave::LeaveRepository::Done done) {
  return std::make_unique<CreateRecord>(std::move(message), std::move(voice), std::move(actor), std::move(done));
}

PgRecordPtr MakePgLeaveTransitionRecord(leave::LeaveTransition t, leave::Actor actor,
                                        leave::LeaveRepository::Done done) {
  return std::make_unique<TransitionRecord>(std::move(t), std::move(actor), std::move(done));
}

}  // namespace routerd::storage
