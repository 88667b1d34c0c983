#include "engine/storage/postgresql/pg_bulk_rows.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace routerd::storage {
namespace {

// PostgreSQL takes at most 65535 parameters per statement.
constexpr std::size_t kContactColumns = 11;
constexpr std::size_t kEventColumns = 11;
constexpr std::size_t kMaxParams = 65000;

// "($2,$3,...),(...)": `rows` groups of `columns` parameters after the first.
std::string ValuesList(std::size_t rows, std::size_t columns) {
  std::string out;
  out.reserve(rows * columns * 6);
  std::size_t p = 2;
  for (std::size_t r = 0; r < rows; ++r) {
    out += r == 0 ? "($1," : ",($1,";
    for (std::size_t c = 0; c < columns; ++c) {
      if (c > 0) out.push_back(',');
      out.push_back('$');
      out += std::to_string(p++);
    }
    out.push_back(')');
  }
  return out;
}

struct KeyHash {
  std::size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
    return std::hash<std::string_view>()(k.first) * 31 + std::hash<std::string_view>()(k.second);
  }
};

void AddText(PgParams& p, const std::string* v) {
  if (v != nullptr) {
    p.Add(std::string_view(*v));
  } else {
    p.AddNull();
  }
}

}  // namespace

void PgBulkRows::AddContact(const AcceptedContacts& record, const Contact& contact, ContactWrite* outcome) {
  contacts_.push_back(ContactRow{&record, &contact, outcome});
}

void PgBulkRows::AddEvent(const SessionEventWrite& row) { events_.push_back(row); }

Status PgBulkRows::Flush(PgConnection& conn, std::int64_t now_ms) {
  const std::size_t contacts_per = kMaxParams / kContactColumns;
  for (std::size_t i = 0; i < contacts_.size(); i += contacts_per) {
    ROUTERD_RETURN_IF_ERROR(FlushContacts(conn, now_ms, i, std::min(contacts_.size(), i + contacts_per)));
  }
  const std::size_t events_per = kMaxParams / kEventColumns;
  for (std::size_t i = 0; i < events_.size(); i += events_per) {
    ROUTERD_RETURN_IF_ERROR(FlushEvents(conn, now_ms, i, std::min(events_.size(), i + events_per)));
  }
  contacts_.clear();
  events_.clear();
  return Status::Ok();
}

Status PgBulkRows::FlushContacts(PgConnection& conn, std::int64_t now_ms, std::size_t begin, std::size_t end) {
  PgParams p;
  p.Add(now_ms);
  for (std::size_t i = begin; i < end; ++i) {
    const AcceptedContacts& r = *contacts_[i].record;
    const Contact& c = *contacts_[i].contact;
    p.Add(std::string_view(r.tenant_id)).Add(std::string_view(r.channel_kind)).Add(std::string_view(r.channel_id));
    p.Add(std::string_view(c.customer_id)).Add(std::string_view(c.display_name));
    p.AddOrNull(c.provider_message_id).Add(std::string_view(c.text)).Add(c.sent_at_ms).Add(c.received_at_ms);
    if (c.attachments.empty()) {
      p.AddNull();
    } else {
      p.Add(std::string_view(EncodeAttachments(c.attachments)));
    }
    p.AddOrNull(c.phone);
  }
  StatusOr<PgResult> inserted = conn.Query(
      "INSERT INTO contacts (accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,"
      " provider_message_id, text, sent_at_ms, received_at_ms, attachments, phone) VALUES " +
          ValuesList(end - begin, kContactColumns) +
          " ON CONFLICT (channel_id, provider_message_id) DO NOTHING RETURNING channel_id, provider_message_id",
      p);
  if (!inserted.ok()) return inserted.status();
  std::unordered_set<std::pair<std::string_view, std::string_view>, KeyHash> fresh;
  for (int row = 0; row < inserted->rows(); ++row) {
    if (!inserted->IsNull(row, 1)) fresh.emplace(inserted->Text(row, 0), inserted->Text(row, 1));
  }
  for (std::size_t i = begin; i < end; ++i) {
    const ContactRow& row = contacts_[i];
    if (row.contact->provider_message_id.empty()) {
      *row.outcome = ContactWrite::kInserted;  // no key: nothing to conflict with
      continue;
    }
    // The first occurrence of a new key takes it; later ones are duplicates.
    auto it = fresh.find({row.record->channel_id, row.contact->provider_message_id});
    if (it != fresh.end()) {
      *row.outcome = ContactWrite::kInserted;
      fresh.erase(it);
    } else {
      *row.outcome = ContactWrite::kDuplicate;
    }
  }
  return Status::Ok();
}

Status PgBulkRows::FlushEvents(PgConnection& conn, std::int64_t now_ms, std::size_t begin, std::size_t end) {
  PgParams p;
  p.Add(now_ms);
  for (std::size_t i = begin; i < end; ++i) {
    const SessionEventWrite& r = events_[i];
    p.Add(std::string_view(*r.tenant_id)).Add(static_cast<std::int64_t>(r.session_id));
    p.Add(static_cast<std::int64_t>(r.kind));
    if (r.contact != nullptr) {
      p.Add(std::string_view(r.contact->channel_id)).Add(std::string_view(r.contact->provider_message_id));
    } else {
      AddText(p, r.channel_id);
      p.AddNull();
    }
    AddText(p, r.queue_id);
    AddText(p, r.employee_id);
    AddText(p, r.channel_kind);
    AddText(p, r.customer_id);
    if (r.kind == SessionEventKind::kOpened) {
      p.Add(r.arrival_ms);
    } else {
      p.AddNull();
    }
    AddText(p, r.detail);
  }
  StatusOr<PgResult> done = conn.Query(
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,"
      " employee_id, channel_kind, customer_id, arrival_ms, detail) VALUES " +
          ValuesList(end - begin, kEventColumns),
      p);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace routerd::storage
