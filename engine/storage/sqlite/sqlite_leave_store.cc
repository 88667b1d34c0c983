#include "engine/storage/sqlite/sqlite_leave_store.h"

#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <variant>

#include "engine/storage/sqlite/attachment_files.h"
#include "engine/storage/sqlite/leave_records.h"
#include "engine/storage/sqlite/leave_rows.h"

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

}  // namespace

SqliteLeaveStore::SqliteLeaveStore(PartitionSet& partitions, const Clock& clock, std::size_t max_voice_bytes)
    : partitions_(partitions), clock_(clock), max_voice_bytes_(max_voice_bytes) {}

void SqliteLeaveStore::Submit(std::vector<leave::LeaveMessage>&& batch) {
  // One record per message, all of a partition queued together.
  std::map<Partition*, std::vector<JournalRecordPtr>> records;
  for (leave::LeaveMessage& m : batch) {
    Partition& p = partitions_.ForTenant(m.tenant_id);
    records[&p].push_back(MakeLeaveCreateRecord(
        std::move(m), std::nullopt, Actor{"router", ""}, [counters = sink_](StatusOr<StoredLeaveMessage> r) {
          (r.ok() ? counters->stored : counters->failed).fetch_add(1, std::memory_order_relaxed);
        }));
  }
  for (auto& [p, list] : records) {
    std::size_t n = list.size();
    if (!p->writer->SubmitAll(std::move(list)).ok()) sink_->refused.fetch_add(n, std::memory_order_relaxed);
  }
}

Status SqliteLeaveStore::CreateAsync(leave::LeaveMessage message, Actor actor, Done done) {
  ROUTERD_RETURN_IF_ERROR(leave::ValidateNewMessage(message));
  Partition& p = partitions_.ForTenant(message.tenant_id);
  return p.writer->Submit(MakeLeaveCreateRecord(std::move(message), std::nullopt, std::move(actor), std::move(done)));
}

Status SqliteLeaveStore::CreateVoiceAsync(leave::VoiceMessage voice, Actor actor, Done done) {
  ROUTERD_RETURN_IF_ERROR(leave::ValidateVoiceMessage(voice, max_voice_bytes_));
  VoiceUpload upload = SplitVoiceUpload(std::move(voice), clock_.WallMs());
  Partition& p = partitions_.ForTenant(upload.message.tenant_id);
  return p.writer->Submit(
      MakeLeaveCreateRecord(std::move(upload.message), std::move(upload.file), std::move(actor), std::move(done)));
}

Status SqliteLeaveStore::TransitionAsync(leave::LeaveTransition t, Actor actor, Done done) {
  if (!done) return Status::InvalidArgument("done: required");
  ROUTERD_RETURN_IF_ERROR(leave::ValidateTransition(t));
  Partition& p = partitions_.ForTenant(t.tenant_id);
  return p.writer->Submit(MakeLeaveTransitionRecord(std::move(t), std::move(actor), std::move(done)));
}

StatusOr<StoredLeaveMessage> SqliteLeaveStore::Get(const std::string& tenant_id, std::int64_t id) {
  StatusOr<ReaderPool::Lease> lease = partitions_.ForTenant(tenant_id).db->readers().Acquire();
  if (!lease.ok()) return lease.status();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();
  return LoadMessage((*lease)->conn(), tenant_id, id);
}

StatusOr<std::vector<LeaveHistoryEntry>> SqliteLeaveStore::History(const std::string& tenant_id, std::int64_t id) {
  StatusOr<ReaderPool::Lease> lease = partitions_.ForTenant(tenant_id).db->readers().Acquire();
  if (!lease.ok()) return lease.status();
  SqliteConnection& conn = (*lease)->conn();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();
  {
    StatusOr<Statement> owner = conn.Prepare("SELECT 1 FROM leave_messages WHERE id = ?1 AND tenant_id = ?2");
    if (!owner.ok()) return owner.status();
    StatusOr<bool> row = owner->Bind(1, id).Bind(2, tenant_id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound(LeaveMessageName(id) + " not found");
  }
  StatusOr<Statement> st = conn.Prepare(
      "SELECT seq, at_ms, actor, action, from_status, to_status, detail FROM leave_message_history"
      " WHERE message_id = ?1 ORDER BY seq");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  std::vector<LeaveHistoryEntry> out;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LeaveHistoryEntry e;
    e.seq = st->ColumnInt64(0);
    e.at_ms = st->ColumnInt64(1);
    e.actor = st->ColumnText(2);
    e.action = st->ColumnText(3);
    if (!st->ColumnIsNull(4)) e.from = ParseLeaveStatus(st->ColumnText(4));
    std::optional<LeaveStatus> to = ParseLeaveStatus(st->ColumnText(5));
    if (!to) return Status::DataLoss(LeaveMessageName(id) + ": history entry with unknown status");
    e.to = *to;
    e.detail = st->ColumnText(6);
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<LeavePage> SqliteLeaveStore::Query(const std::string& tenant_id, const LeaveQuery& q) {
  StatusOr<LeavePageBounds> bounds = CheckLeaveQuery(q);
  if (!bounds.ok()) return bounds.status();
  const std::size_t page_size = bounds->page_size;

  // Filters, bound in order; the SQL text (one cached statement per filter
  // combination) depends only on which are set.
  using Value = std::variant<std::int64_t, std::string>;
  std::vector<Value> values{tenant_id};
  std::string where = " WHERE tenant_id = ?";
  auto add = [&](const char* clause, Value v) {
    where += clause;
    values.push_back(std::move(v));
  };
  if (q.from_ms) add(" AND created_at_ms >= ?", *q.from_ms);
  if (q.to_ms) add(" AND created_at_ms < ?", *q.to_ms);
  if (!q.contact_number.empty()) add(" AND customer_id = ?", q.contact_number);
  if (q.status) add(" AND status = ?", std::string(LeaveStatusName(*q.status)));
  if (!q.employee_id.empty()) add(" AND employee_id = ?", q.employee_id);
  if (!q.channel_kind.empty()) add(" AND channel_kind = ?", q.channel_kind);
  if (!q.skill_queue.empty()) add(" AND skill_queue = ?", q.skill_queue);
  std::size_t filter_values = values.size();

  std::string page_where = where;
  if (bounds->after_cursor) {
    page_where += q.oldest_first ? " AND (created_at_ms, id) > (?, ?)" : " AND (created_at_ms, id) < (?, ?)";
    values.emplace_back(bounds->cursor_created_at_ms);
    values.emplace_back(bounds->cursor_id);
  }
  std::string order = q.oldest_first ? " ORDER BY created_at_ms ASC, id ASC" : " ORDER BY created_at_ms DESC, id DESC";

  StatusOr<ReaderPool::Lease> lease = partitions_.ForTenant(tenant_id).db->readers().Acquire();
  if (!lease.ok()) return lease.status();
  SqliteConnection& conn = (*lease)->conn();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();

  auto bind = [&](Statement& st, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      int index = static_cast<int>(i + 1);
      if (const auto* v = std::get_if<std::int64_t>(&values[i])) {
        st.Bind(index, *v);
      } else {
        st.Bind(index, std::get<std::string>(values[i]));
      }
    }
  };

  LeavePage page;
  {
    StatusOr<Statement> st = conn.Prepare(std::string("SELECT ") + kLeaveMessageColumns + " FROM leave_messages" +
                                          page_where + order + " LIMIT ?");
    if (!st.ok()) return st.status();
    bind(*st, values.size());
    st->Bind(static_cast<int>(values.size() + 1), static_cast<std::int64_t>(page_size + 1));
    for (;;) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (page.items.size() == page_size) {
        page.next_cursor = LeaveCursorAfter(page.items.back());
        break;
      }
      StatusOr<StoredLeaveMessage> m = ReadMessageRow(*st);
      if (!m.ok()) return m.status();
      page.items.push_back(std::move(m).value());
    }
  }
  {
    StatusOr<Statement> st = conn.Prepare("SELECT COUNT(*) FROM leave_messages" + where);
    if (!st.ok()) return st.status();
    bind(*st, filter_values);
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    page.total = static_cast<std::uint64_t>(st->ColumnInt64(0));
  }
  return page;
}

std::string SqliteLeaveStore::AttachmentPath(const StoredLeaveMessage& message) const {
  if (message.attachment_sha256.empty()) return {};
  return (std::filesystem::path(partitions_.data_dir()) / message.attachment_ref).string();
}

StatusOr<std::string> SqliteLeaveStore::ReadVoiceAttachment(const StoredLeaveMessage& message) const {
  if (message.attachment_sha256.empty()) {
    return Status::FailedPrecondition(LeaveMessageName(message.id) + " has no stored attachment file");
  }
  return ReadFileVerified(partitions_.data_dir(), message.attachment_ref, message.attachment_sha256);
}

leave::LeaveStoreStats SqliteLeaveStore::stats() const {
  return {sink_->stored.load(std::memory_order_relaxed), sink_->refused.load(std::memory_order_relaxed),
          sink_->failed.load(std::memory_order_relaxed)};
}

}  // namespace routerd::storage
