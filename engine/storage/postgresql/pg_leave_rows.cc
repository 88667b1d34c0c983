#include "engine/storage/postgresql/pg_leave_rows.h"

#include <utility>

namespace routerd::storage {

using leave::LeaveMessageAttachment;
using leave::LeaveStatus;
using leave::LeaveStatusName;
using leave::ParseLeaveStatus;
using leave::StoredLeaveMessage;

const char* const kPgLeaveMessageColumns =
    "id, tenant_id, channel_kind, channel_id, customer_id, display_name, text, attachment_ref, attachment_mime,"
    " attachment_sha256, skill_queue, reason, status, employee_id, business_account, created_at_ms, updated_at_ms,"
    " handling_comments";

StatusOr<StoredLeaveMessage> ReadMessageRow(const PgResult& r, int row) {
  StoredLeaveMessage m;
  m.id = r.Int64(row, 0);
  m.tenant_id = r.Text(row, 1);
  m.channel_kind = r.Text(row, 2);
  m.channel_id = r.Text(row, 3);
  m.customer_id = r.Text(row, 4);
  m.display_name = r.Text(row, 5);
  m.text = r.Text(row, 6);
  m.attachment_ref = r.Text(row, 7);
  m.attachment_mime = r.Text(row, 8);
  m.attachment_sha256 = r.Text(row, 9);
  m.skill_queue = r.Text(row, 10);
  m.reason = r.Text(row, 11);
  const std::string_view status = r.Text(row, 12);
  std::optional<LeaveStatus> parsed = ParseLeaveStatus(status);
  if (!parsed) {
    return Status::DataLoss(LeaveMessageName(m.id) + " has unknown status \"" + std::string(status) + "\"");
  }
  m.status = *parsed;
  m.employee_id = r.OptionalText(row, 13);
  m.business_account = r.OptionalText(row, 14);
  m.created_at_ms = r.Int64(row, 15);
  m.updated_at_ms = r.Int64(row, 16);
  m.handling_comments = r.OptionalText(row, 17);
  return m;
}

namespace {

Status LoadDetails(PgConnection& conn, StoredLeaveMessage& m) {
  PgParams p;
  p.Add(m.id);
  StatusOr<PgResult> parts = conn.Query(
      "SELECT provider_message_id, sent_at_ms, text FROM leave_message_parts WHERE message_id = $1 ORDER BY ordinal",
      p);
  if (!parts.ok()) return parts.status();
  for (int row = 0; row < parts->rows(); ++row) {
    m.parts.push_back({std::string(parts->Text(row, 0)), parts->Int64(row, 1), std::string(parts->Text(row, 2))});
  }
  StatusOr<PgResult> att = conn.Query(
      "SELECT part, type, reference, mime, size_bytes, name FROM leave_message_attachments WHERE message_id = $1"
      " ORDER BY ordinal",
      p);
  if (!att.ok()) return att.status();
  for (int row = 0; row < att->rows(); ++row) {
    LeaveMessageAttachment a;
    a.part = static_cast<std::size_t>(att->Int64(row, 0));
    a.ref.type = att->Text(row, 1);
    a.ref.reference = att->Text(row, 2);
    a.ref.mime = att->Text(row, 3);
    if (!att->IsNull(row, 4)) a.ref.size_bytes = static_cast<std::uint64_t>(att->Int64(row, 4));
    a.ref.name = att->Text(row, 5);
    m.attachments.push_back(std::move(a));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<StoredLeaveMessage> LoadMessage(PgConnection& conn, const std::string& tenant_id, std::int64_t id,
                                         bool for_update) {
  PgParams p;
  p.Add(id).Add(std::string_view(tenant_id));
  StatusOr<PgResult> r = conn.Query(std::string("SELECT ") + kPgLeaveMessageColumns +
                                        " FROM leave_messages WHERE id = $1 AND tenant_id = $2" +
                                        (for_update ? " FOR UPDATE" : ""),
                                    p);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return Status::NotFound(LeaveMessageName(id) + " not found");
  StatusOr<StoredLeaveMessage> m = ReadMessageRow(*r, 0);
  if (!m.ok()) return m;
  ROUTERD_RETURN_IF_ERROR(LoadDetails(conn, *m));
  return m;
}

Status InsertHistory(PgConnection& conn, std::int64_t id, std::int64_t at_ms, const std::string& actor,
                     std::string_view action, std::optional<LeaveStatus> from, LeaveStatus to,
                     const std::string& detail) {
  PgParams p;
  p.Add(id).Add(at_ms).Add(std::string_view(actor)).Add(action);
  if (from) {
    p.Add(LeaveStatusName(*from));
  } else {
    p.AddNull();
  }
  p.Add(LeaveStatusName(to)).Add(std::string_view(detail));
  StatusOr<PgResult> r = conn.Query(
      "INSERT INTO leave_message_history (message_id, at_ms, actor, action, from_status, to_status, detail)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
      p);
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace routerd::storage
