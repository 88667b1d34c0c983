#include "engine/storage/sqlite/contact_log.h"

#include <memory>
#include <utility>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/row_codec.h"

namespace routerd::storage {
namespace {

constexpr char kVersion = 1;
constexpr char kGroup = 'g';
constexpr char kContact = 'c';

}  // namespace

void ContactLogBuilder::BeginGroup(std::string_view tenant_id, std::string_view channel_kind,
                                   std::string_view channel_id) {
  if (bytes_.empty()) bytes_.push_back(kVersion);
  bytes_.push_back(kGroup);
  row_codec::PutString(bytes_, tenant_id);
  row_codec::PutString(bytes_, channel_kind);
  row_codec::PutString(bytes_, channel_id);
  group_tenant_.clear();  // AddLogged starts its own group next time
}

void ContactLogBuilder::Add(const Contact& c) {
  attachments_.clear();
  AppendAttachments(attachments_, c.attachments);
  Fields(LoggedContact{{}, {}, {}, c.customer_id, c.display_name, c.provider_message_id, c.text, attachments_, c.phone,
                       c.sent_at_ms, c.received_at_ms});
}

void ContactLogBuilder::AddLogged(const LoggedContact& c) {
  if (contacts_ == 0 || group_tenant_ != c.tenant_id || group_kind_ != c.channel_kind ||
      group_channel_ != c.channel_id) {
    BeginGroup(c.tenant_id, c.channel_kind, c.channel_id);
    group_tenant_ = c.tenant_id;
    group_kind_ = c.channel_kind;
    group_channel_ = c.channel_id;
  }
  Fields(c);
}

void ContactLogBuilder::Fields(const LoggedContact& c) {
  bytes_.push_back(kContact);
  row_codec::PutString(bytes_, c.customer_id);
  row_codec::PutString(bytes_, c.display_name);
  row_codec::PutString(bytes_, c.provider_message_id);
  row_codec::PutString(bytes_, c.text);
  row_codec::PutString(bytes_, c.attachments);
  row_codec::PutString(bytes_, c.phone);
  row_codec::PutInt(bytes_, c.sent_at_ms);
  row_codec::PutInt(bytes_, c.received_at_ms);
  ++contacts_;
}

void ContactLogBuilder::truncate(const Mark& mark) {
  if (mark.bytes < bytes_.size()) bytes_.resize(mark.bytes);
  contacts_ = mark.contacts;
  group_tenant_.clear();
}

void ContactLogBuilder::clear() {
  bytes_.clear();
  contacts_ = 0;
  group_tenant_.clear();
}

Status ForEachLoggedContact(std::string_view bytes, const std::function<Status(const LoggedContact&)>& fn) {
  const Status malformed = Status::DataLoss("a stored contact_log row is malformed");
  row_codec::RowReader in(bytes);
  char version = 0;
  if (!in.Byte(version) || version != kVersion) {
    return Status::DataLoss("a stored contact_log row has an unknown format (written by a newer routerd?)");
  }
  LoggedContact c;
  bool in_group = false;
  while (!in.done()) {
    char tag = 0;
    in.Byte(tag);
    if (tag == kGroup) {
      if (!in.String(c.tenant_id) || !in.String(c.channel_kind) || !in.String(c.channel_id)) return malformed;
      in_group = true;
      continue;
    }
    if (tag != kContact || !in_group) return malformed;
    if (!in.String(c.customer_id) || !in.String(c.display_name) || !in.String(c.provider_message_id) ||
        !in.String(c.text) || !in.String(c.attachments) || !in.String(c.phone) || !in.Int(c.sent_at_ms) ||
        !in.Int(c.received_at_ms)) {
      return malformed;
    }
    ROUTERD_RETURN_IF_ERROR(fn(c));
  }
  return Status::Ok();
}

StatusOr<ContactPtr> ToContact(const LoggedContact& logged) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = logged.tenant_id;
  c->channel_kind = logged.channel_kind;
  c->channel_id = logged.channel_id;
  c->customer_id = logged.customer_id;
  c->display_name = logged.display_name;
  c->provider_message_id = logged.provider_message_id;
  c->text = logged.text;
  c->phone = logged.phone;
  c->sent_at_ms = logged.sent_at_ms;
  c->received_at_ms = logged.received_at_ms;
  if (!logged.attachments.empty()) {
    StatusOr<std::vector<AttachmentRef>> attachments = DecodeAttachments(logged.attachments);
    if (!attachments.ok()) return attachments.status();
    c->attachments = std::move(attachments).value();
  }
  return ContactPtr(std::move(c));
}

}  // namespace routerd::storage
