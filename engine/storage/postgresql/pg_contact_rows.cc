#include "engine/storage/postgresql/pg_contact_rows.h"

#include <memory>
#include <utility>
#include <vector>

#include "engine/storage/journal_model.h"

namespace routerd::storage {

StatusOr<ContactPtr> ReadPgContact(const PgResult& r, int row, int first) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = r.Text(row, first + 0);
  c->channel_kind = r.Text(row, first + 1);
  c->channel_id = r.Text(row, first + 2);
  c->customer_id = r.Text(row, first + 3);
  c->display_name = r.Text(row, first + 4);
  c->provider_message_id = r.Text(row, first + 5);
  c->text = r.Text(row, first + 6);
  c->sent_at_ms = r.Int64(row, first + 7);
  c->received_at_ms = r.Int64(row, first + 8);
  if (!r.IsNull(row, first + 9)) {
    StatusOr<std::vector<AttachmentRef>> attachments = DecodeAttachments(r.Text(row, first + 9));
    if (!attachments.ok()) return attachments.status();
    c->attachments = std::move(attachments).value();
  }
  if (!r.IsNull(row, first + 10)) c->phone = r.Text(row, first + 10);
  return ContactPtr(std::move(c));
}

}  // namespace routerd::storage
