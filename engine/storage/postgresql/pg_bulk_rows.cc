#include "engine/storage/postgresql/pg_bulk_rows.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "engine/storage/cluster_store.h"

namespace routerd::storage {
namespace {

struct KeyHash {
  std::size_t operator()(const std::pair<std::string_view, std::string_view>& k) const {
    return std::hash<std::string_view>()(k.first) * 31 + std::hash<std::string_view>()(k.second);
  }
};

void AddText(PgArrayText& a, const std::string* v) {
  if (v != nullptr) {
    a.Add(std::string_view(*v));
  } else {
    a.AddNull();
  }
}

}  // namespace

void PgBulkRows::AddContact(const AcceptedContacts& record, const Contact& contact, ContactWrite* outcome,
                            bool for_owner) {
  contacts_.push_back(ContactRow{&record, &contact, outcome, for_owner});
}

void PgBulkRows::AddEvent(const SessionEventWrite& row) { events_.push_back(row); }

Status PgBulkRows::Flush(PgConnection& conn, std::int64_t now_ms) {
  if (!contacts_.empty()) ROUTERD_RETURN_IF_ERROR(FlushContacts(conn, now_ms));
  if (!events_.empty()) ROUTERD_RETURN_IF_ERROR(FlushEvents(conn, now_ms));
  contacts_.clear();
  events_.clear();
  return Status::Ok();
}

Status PgBulkRows::FlushContacts(PgConnection& conn, std::int64_t now_ms) {
  // One array per column; row i of the insert is element i of each.
  PgArrayText tenant, kind, channel, customer, name, key, text, sent, received, attachments, phone;
  for (const ContactRow& row : contacts_) {
    const AcceptedContacts& r = *row.record;
    const Contact& c = *row.contact;
    tenant.Add(r.tenant_id);
    kind.Add(r.channel_kind);
    channel.Add(r.channel_id);
    customer.Add(c.customer_id);
    name.Add(c.display_name);
    key.AddOrNull(c.provider_message_id);
    text.Add(c.text);
    sent.Add(c.sent_at_ms);
    received.Add(c.received_at_ms);
    if (c.attachments.empty()) {
      attachments.AddNull();
    } else {
      attachments.Add(EncodeAttachments(c.attachments));
    }
    phone.AddOrNull(c.phone);
  }
  PgParams p;
  p.Add(now_ms);
  for (PgArrayText* a : {&tenant, &kind, &channel, &customer, &name, &key, &text, &sent, &received, &attachments, &phone}) {
    p.Add(std::string_view(a->Take()));
  }
  StatusOr<PgResult> inserted = conn.Query(
      "INSERT INTO contacts (accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,"
      " provider_message_id, text, sent_at_ms, received_at_ms, attachments, phone)"
      " SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
      " $8::text[], $9::bigint[], $10::bigint[], $11::text[], $12::text[])"
      " ON CONFLICT (channel_id, provider_message_id) DO NOTHING RETURNING channel_id, provider_message_id",
      p);
  if (!inserted.ok()) return inserted.status();
  std::unordered_set<std::pair<std::string_view, std::string_view>, KeyHash> fresh;
  for (int row = 0; row < inserted->rows(); ++row) {
    if (!inserted->IsNull(row, 1)) fresh.emplace(inserted->Text(row, 0), inserted->Text(row, 1));
  }
  for (const ContactRow& row : contacts_) {
    if (row.contact->provider_message_id.empty()) {
      *row.outcome = ContactWrite::kInserted;  // no key: nothing to conflict with
      continue;
    }
    // The first occurrence of a new key takes it; later ones are duplicates.
    auto it = fresh.find({row.record->channel_id, row.contact->provider_message_id});
    if (it != fresh.end()) {
      *row.outcome = row.for_owner ? ContactWrite::kStoredForOwner : ContactWrite::kInserted;
      fresh.erase(it);
    } else {
      *row.outcome = ContactWrite::kDuplicate;
    }
  }
  return FlushInbox(conn);
}

Status PgBulkRows::FlushInbox(PgConnection& conn) {
  PgArrayText tenant, channel, key;
  bool any = false;
  for (const ContactRow& row : contacts_) {
    if (*row.outcome != ContactWrite::kStoredForOwner) continue;
    tenant.Add(row.record->tenant_id);
    channel.Add(row.record->channel_id);
    key.Add(row.contact->provider_message_id);
    any = true;
  }
  if (!any) return Status::Ok();  // a single node never gets here: no statement
  PgParams p;
  p.Add(std::string_view(tenant.Take())).Add(std::string_view(channel.Take())).Add(std::string_view(key.Take()));
  p.Add(std::string_view(kInboxChannel));
  // The server sends one NOTIFY per distinct payload of a transaction, at
  // its commit; a data-modifying WITH runs to completion whatever is read.
  StatusOr<PgResult> done = conn.Query(
      "WITH inbox AS (INSERT INTO contact_inbox (tenant_id, channel_id, provider_message_id)"
      " SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) RETURNING tenant_id)"
      " SELECT pg_notify($4, t.tenant_id) FROM (SELECT DISTINCT tenant_id FROM inbox) t",
      p);
  return done.ok() ? Status::Ok() : done.status();
}

Status PgBulkRows::FlushEvents(PgConnection& conn, std::int64_t now_ms) {
  PgArrayText tenant, session, kind, channel, key, queue, employee, channel_kind, customer, arrival, detail;
  for (const SessionEventWrite& r : events_) {
    tenant.Add(*r.tenant_id);
    session.Add(static_cast<std::int64_t>(r.session_id));
    kind.Add(static_cast<std::int64_t>(r.kind));
    if (r.contact != nullptr) {
      channel.Add(r.contact->channel_id);
      key.Add(r.contact->provider_message_id);
    } else {
      AddText(channel, r.channel_id);
      key.AddNull();
    }
    AddText(queue, r.queue_id);
    AddText(employee, r.employee_id);
    AddText(channel_kind, r.channel_kind);
    AddText(customer, r.customer_id);
    if (r.kind == SessionEventKind::kOpened) {
      arrival.Add(r.arrival_ms);
    } else {
      arrival.AddNull();
    }
    AddText(detail, r.detail);
  }
  PgParams p;
  p.Add(now_ms);
  for (PgArrayText* a :
       {&tenant, &session, &kind, &channel, &key, &queue, &employee, &channel_kind, &customer, &arrival, &detail}) {
    p.Add(std::string_view(a->Take()));
  }
  StatusOr<PgResult> done = conn.Query(
      "INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,"
      " employee_id, channel_kind, customer_id, arrival_ms, detail)"
      " SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::smallint[], $5::text[], $6::text[], $7::text[],"
      " $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[])",
      p);
  return done.ok() ? Status::Ok() : done.status();
}

}  // namespace routerd::storage
