#include "engine/storage/postgresql/pg_leave_store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "engine/storage/leave_common.h"
#include "engine/storage/postgresql/pg_leave_records.h"
#include "engine/storage/postgresql/pg_leave_rows.h"

namespace routerd::storage {
namespace {

using leave::Actor;
using leave::LeaveHistoryEntry;
using leave::LeavePage;
using leave::LeaveQuery;
using leave::LeaveStatus;
using leave::LeaveStatusName;
using leave::ParseLeaveStatus;
using leave::StoredLeaveMessage;

// Runs `read` in one read-only snapshot, so that its statements see the same
// data (a page and the total beside it).
template <typename Read>
auto InSnapshot(PgConnection& conn, Read&& read) -> decltype(read()) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  auto result = read();
  if (!conn.Broken()) {
    // A connection left inside a transaction is not lent again (PgReaderPool).
    Status end = conn.Exec(result.ok() ? "COMMIT" : "ROLLBACK");
    if (result.ok() && !end.ok()) return end;
  }
  return result;
}

}  // namespace

PgLeaveStore::PgLeaveStore(PgWriterSet& writers, PgReaderPool& readers, const Clock& clock,
                           std::size_t max_voice_bytes)
    : writers_(writers), readers_(readers), clock_(clock), max_voice_bytes_(max_voice_bytes) {}

void PgLeaveStore::Submit(std::vector<leave::LeaveMessage>&& batch) {
  // One record per message, all of a writer queued together.
  std::map<PgWriter*, std::vector<PgRecordPtr>> records;
  for (leave::LeaveMessage& m : batch) {
    PgWriter& w = writers_.ForTenant(m.tenant_id);
    records[&w].push_back(MakePgLeaveCreateRecord(
        std::move(m), std::nullopt, Actor{"router", ""}, [counters = sink_](StatusOr<StoredLeaveMessage> r) {
          (r.ok() ? counters->stored : counters->failed).fetch_add(1, std::memory_order_relaxed);
        }));
  }
  for (auto& [w, list] : records) {
    std::size_t n = list.size();
    if (!w->SubmitAll(std::move(list)).ok()) sink_->refused.fetch_add(n, std::memory_order_relaxed);
  }
}

Status PgLeaveStore::CreateAsync(leave::LeaveMessage message, Actor actor, Done done) {
  ROUTERD_RETURN_IF_ERROR(leave::ValidateNewMessage(message));
  PgWriter& w = writers_.ForTenant(message.tenant_id);
  return w.Submit(MakePgLeaveCreateRecord(std::move(message), std::nullopt, std::move(actor), std::move(done)));
}

Status PgLeaveStore::CreateVoiceAsync(leave::VoiceMessage voice, Actor actor, Done done) {
  ROUTERD_RETURN_IF_ERROR(leave::ValidateVoiceMessage(voice, max_voice_bytes_));
  VoiceUpload upload = SplitVoiceUpload(std::move(voice), clock_.WallMs());
  PgWriter& w = writers_.ForTenant(upload.message.tenant_id);
  return w.Submit(
      MakePgLeaveCreateRecord(std::move(upload.message), std::move(upload.file), std::move(actor), std::move(done)));
}

Status PgLeaveStore::TransitionAsync(leave::LeaveTransition t, Actor actor, Done done) {
  if (!done) return Status::InvalidArgument("done: required");
  ROUTERD_RETURN_IF_ERROR(leave::ValidateTransition(t));
  PgWriter& w = writers_.ForTenant(t.tenant_id);
  return w.Submit(MakePgLeaveTransitionRecord(std::move(t), std::move(actor), std::move(done)));
}

StatusOr<StoredLeaveMessage> PgLeaveStore::Get(const std::string& tenant_id, std::int64_t id) {
  StatusOr<PgReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  // No snapshot needed: parts and attachments are written with the message
  // and never change.
  return LoadMessage(**lease, tenant_id, id);
}

StatusOr<std::vector<LeaveHistoryEntry>> PgLeaveStore::History(const std::string& tenant_id, std::int64_t id) {
  StatusOr<PgReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  PgConnection& conn = **lease;
  PgParams p;
  p.Add(id).Add(std::string_view(tenant_id));
  StatusOr<PgResult> owner = conn.Query("SELECT 1 FROM leave_messages WHERE id = $1 AND tenant_id = $2", p);
  if (!owner.ok()) return owner.status();
  if (owner->rows() == 0) return Status::NotFound(LeaveMessageName(id) + " not found");
  p.Clear();
  p.Add(id);
  StatusOr<PgResult> r = conn.Query(
      "SELECT seq, at_ms, actor, action, from_status, to_status, detail FROM leave_message_history"
      " WHERE message_id = $1 ORDER BY seq",
      p);
  if (!r.ok()) return r.status();
  std::vector<LeaveHistoryEntry> out;
  out.reserve(static_cast<std::size_t>(r->rows()));
  for (int row = 0; row < r->rows(); ++row) {
    LeaveHistoryEntry e;
    e.seq = r->Int64(row, 0);
    e.at_ms = r->Int64(row, 1);
    e.actor = r->Text(row, 2);
    e.action = r->Text(row, 3);
    if (!r->IsNull(row, 4)) e.from = ParseLeaveStatus(r->Text(row, 4));
    std::optional<LeaveStatus> to = ParseLeaveStatus(r->Text(row, 5));
    if (!to) return Status::DataLoss(LeaveMessageName(id) + ": history entry with unknown status");
    e.to = *to;
    e.detail = r->Text(row, 6);
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<LeavePage> PgLeaveStore::Query(const std::string& tenant_id, const LeaveQuery& q) {
  StatusOr<LeavePageBounds> bounds = CheckLeaveQuery(q);
  if (!bounds.ok()) return bounds.status();
  const std::size_t page_size = bounds->page_size;

  // Filters, numbered in order; the SQL text depends only on which are set.
  PgParams filters;
  filters.Add(std::string_view(tenant_id));
  std::string where = " WHERE tenant_id = $1";
  auto add = [&](const char* clause, auto value) {
    where += clause;
    where += "$" + std::to_string(filters.size() + 1);
    filters.Add(value);
  };
  if (q.from_ms) add(" AND created_at_ms >= ", *q.from_ms);
  if (q.to_ms) add(" AND created_at_ms < ", *q.to_ms);
  if (!q.contact_number.empty()) add(" AND customer_id = ", std::string_view(q.contact_number));
  if (q.status) add(" AND status = ", LeaveStatusName(*q.status));
  if (!q.employee_id.empty()) add(" AND employee_id = ", std::string_view(q.employee_id));
  if (!q.channel_kind.empty()) add(" AND channel_kind = ", std::string_view(q.channel_kind));
  if (!q.skill_queue.empty()) add(" AND skill_queue = ", std::string_view(q.skill_queue));

  PgParams paged = filters;
  std::string page_where = where;
  if (bounds->after_cursor) {
    const std::string first = std::to_string(paged.size() + 1), second = std::to_string(paged.size() + 2);
    page_where += std::string(q.oldest_first ? " AND (created_at_ms, id) > (" : " AND (created_at_ms, id) < (") +
                  "$" + first + "::bigint, $" + second + "::bigint)";
    paged.Add(bounds->cursor_created_at_ms).Add(bounds->cursor_id);
  }
  const std::string order =
      q.oldest_first ? " ORDER BY created_at_ms ASC, id ASC" : " ORDER BY created_at_ms DESC, id DESC";
  const std::string limit = " LIMIT $" + std::to_string(paged.size() + 1);
  paged.Add(static_cast<std::int64_t>(page_size + 1));

  StatusOr<PgReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  PgConnection& conn = **lease;
  return InSnapshot(conn, [&]() -> StatusOr<LeavePage> {
    LeavePage page;
    StatusOr<PgResult> rows = conn.Query(
        std::string("SELECT ") + kPgLeaveMessageColumns + " FROM leave_messages" + page_where + order + limit, paged);
    if (!rows.ok()) return rows.status();
    const int n = std::min(rows->rows(), static_cast<int>(page_size));
    for (int row = 0; row < n; ++row) {
      StatusOr<StoredLeaveMessage> m = ReadMessageRow(*rows, row);
      if (!m.ok()) return m.status();
      page.items.push_back(std::move(m).value());
    }
    if (rows->rows() > n) page.next_cursor = LeaveCursorAfter(page.items.back());
    StatusOr<PgResult> total = conn.Query("SELECT count(*) FROM leave_messages" + where, filters);
    if (!total.ok()) return total.status();
    page.total = static_cast<std::uint64_t>(total->Int64(0, 0));
    return page;
  });
}

StatusOr<std::string> PgLeaveStore::ReadVoiceAttachment(const StoredLeaveMessage& message) const {
  if (message.attachment_sha256.empty()) {
    return Status::FailedPrecondition(LeaveMessageName(message.id) + " has no stored attachment file");
  }
  StatusOr<PgReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  PgParams p;
  p.Add(message.id).Add(std::string_view(message.tenant_id));
  StatusOr<PgResult> r = (**lease).Query(
      "SELECT f.bytes FROM leave_voice_files f JOIN leave_messages m ON m.id = f.message_id"
      " WHERE f.message_id = $1 AND m.tenant_id = $2",
      p);
  if (!r.ok()) return r.status();
  // Missing is not corruption: the row was removed, and the caller says so as
  // "not found".
  if (r->rows() == 0) return Status::NotFound("the file " + message.attachment_ref + " is missing from the database");
  std::string bytes = r->Bytes(0, 0);
  const std::string actual = Sha256Hex(bytes);
  if (actual != message.attachment_sha256) {
    return Status::DataLoss("the file " + message.attachment_ref + " does not match its recorded checksum (sha256 " +
                            actual + ", expected " + message.attachment_sha256 + ")");
  }
  return bytes;
}

leave::LeaveStoreStats PgLeaveStore::stats() const {
  return {sink_->stored.load(std::memory_order_relaxed), sink_->refused.load(std::memory_order_relaxed),
          sink_->failed.load(std::memory_order_relaxed)};
}

}  // namespace routerd::storage
