#include "engine/storage/sqlite/leave_rows.h"

namespace routerd::storage {

using leave::LeaveMessageAttachment;
using leave::LeaveStatus;
using leave::LeaveStatusName;
using leave::ParseLeaveStatus;
using leave::StoredLeaveMessage;

const char* const kLeaveMessageColumns =
    "id, tenant_id, channel_kind, channel_id, customer_id, display_name, text, attachment_ref, attachment_mime,"
    " attachment_sha256, skill_queue, reason, status, employee_id, business_account, created_at_ms, updated_at_ms,"
    " handling_comments";

StatusOr<StoredLeaveMessage> ReadMessageRow(const Statement& st) {
  StoredLeaveMessage m;
  m.id = st.ColumnInt64(0);
  m.tenant_id = st.ColumnText(1);
  m.channel_kind = st.ColumnText(2);
  m.channel_id = st.ColumnText(3);
  m.customer_id = st.ColumnText(4);
  m.display_name = st.ColumnText(5);
  m.text = st.ColumnText(6);
  m.attachment_ref = st.ColumnText(7);
  m.attachment_mime = st.ColumnText(8);
  m.attachment_sha256 = st.ColumnText(9);
  m.skill_queue = st.ColumnText(10);
  m.reason = st.ColumnText(11);
  std::string status = st.ColumnText(12);
  std::optional<LeaveStatus> parsed = ParseLeaveStatus(status);
  if (!parsed) return Status::DataLoss(LeaveMessageName(m.id) + " has unknown status \"" + status + "\"");
  m.status = *parsed;
  m.employee_id = st.ColumnOptionalText(13);
  m.business_account = st.ColumnOptionalText(14);
  m.created_at_ms = st.ColumnInt64(15);
  m.updated_at_ms = st.ColumnInt64(16);
  m.handling_comments = st.ColumnOptionalText(17);
  return m;
}

namespace {

Status LoadDetails(SqliteConnection& conn, StoredLeaveMessage& m) {
  StatusOr<Statement> parts = conn.Prepare(
      "SELECT provider_message_id, sent_at_ms, text FROM leave_message_parts WHERE message_id = ?1 ORDER BY ordinal");
  if (!parts.ok()) return parts.status();
  parts->Bind(1, m.id);
  for (;;) {
    StatusOr<bool> row = parts->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    m.parts.push_back({parts->ColumnText(0), parts->ColumnInt64(1), parts->ColumnText(2)});
  }
  StatusOr<Statement> att = conn.Prepare(
      "SELECT part, type, reference, mime, size_bytes, name FROM leave_message_attachments WHERE message_id = ?1"
      " ORDER BY ordinal");
  if (!att.ok()) return att.status();
  att->Bind(1, m.id);
  for (;;) {
    StatusOr<bool> row = att->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LeaveMessageAttachment a;
    a.part = static_cast<std::size_t>(att->ColumnInt64(0));
    a.ref.type = att->ColumnText(1);
    a.ref.reference = att->ColumnText(2);
    a.ref.mime = att->ColumnText(3);
    if (!att->ColumnIsNull(4)) a.ref.size_bytes = static_cast<std::uint64_t>(att->ColumnInt64(4));
    a.ref.name = att->ColumnText(5);
    m.attachments.push_back(std::move(a));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<StoredLeaveMessage> LoadMessage(SqliteConnection& conn, const std::string& tenant_id, std::int64_t id) {
  StatusOr<Statement> st = conn.Prepare(std::string("SELECT ") + kLeaveMessageColumns +
                                        " FROM leave_messages WHERE id = ?1 AND tenant_id = ?2");
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Bind(1, id).Bind(2, tenant_id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(LeaveMessageName(id) + " not found");
  StatusOr<StoredLeaveMessage> m = ReadMessageRow(*st);
  if (!m.ok()) return m;
  ROUTERD_RETURN_IF_ERROR(LoadDetails(conn, *m));
  return m;
}

Status InsertHistory(SqliteConnection& conn, std::int64_t id, std::int64_t at_ms, const std::string& actor,
                     std::string_view action, std::optional<LeaveStatus> from, LeaveStatus to,
                     const std::string& detail) {
  StatusOr<Statement> st = conn.Prepare(
      "INSERT INTO leave_message_history (message_id, at_ms, actor, action, from_status, to_status, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  st->Bind(1, id).Bind(2, at_ms).Bind(3, actor).Bind(4, action);
  if (from) {
    st->Bind(5, LeaveStatusName(*from));
  } else {
    st->BindNull(5);
  }
  return st->Bind(6, LeaveStatusName(to)).Bind(7, detail).Run();
}

}  // namespace routerd::storage
