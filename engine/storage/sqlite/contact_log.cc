#include "engine/storage/sqlite/contact_log.h"

#include <memory>
#include <utility>

#include "engine/storage/journal_model.h"

namespace routerd::storage {
namespace {

constexpr char kVersion = 1;
constexpr char kGroup = 'g';
constexpr char kContact = 'c';

std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t UnZigZag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool done() const { return in_.empty(); }
  bool Byte(char& out) {
    if (in_.empty()) return false;
    out = in_.front();
    in_.remove_prefix(1);
    return true;
  }
  bool Varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      char c;
      if (!Byte(c)) return false;
      const auto b = static_cast<unsigned char>(c);
      out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool String(std::string_view& out) {
    std::uint64_t n = 0;
    if (!Varint(n) || n > in_.size()) return false;
    out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Int(std::int64_t& out) {
    std::uint64_t v = 0;
    if (!Varint(v)) return false;
    out = UnZigZag(v);
    return true;
  }

 private:
  std::string_view in_;
};

}  // namespace

void ContactLogBuilder::Varint(std::uint64_t v) {
  while (v >= 0x80) {
    bytes_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  bytes_.push_back(static_cast<char>(v));
}

void ContactLogBuilder::String(std::string_view s) {
  Varint(s.size());
  bytes_.append(s);
}

void ContactLogBuilder::BeginGroup(std::string_view tenant_id, std::string_view channel_kind,
                                   std::string_view channel_id) {
  if (bytes_.empty()) bytes_.push_back(kVersion);
  bytes_.push_back(kGroup);
  String(tenant_id);
  String(channel_kind);
  String(channel_id);
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
  String(c.customer_id);
  String(c.display_name);
  String(c.provider_message_id);
  String(c.text);
  String(c.attachments);
  String(c.phone);
  Varint(ZigZag(c.sent_at_ms));
  Varint(ZigZag(c.received_at_ms));
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
  Reader in(bytes);
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
