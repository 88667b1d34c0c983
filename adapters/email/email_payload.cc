#include "email/email_payload.h"

#include <utility>

#include "common/content_type.h"
#include "common/encoding.h"
#include "common/hmac.h"
#include "common/json.h"
#include "common/text.h"
#include "common/time_units.h"
#include "email/email_address.h"
#include "routerd/text_encoding.h"

namespace routerd::adapters::email {
namespace {

// "attachment-" followed by one or more digits.
bool IsAttachmentName(std::string_view name) {
  constexpr std::string_view kPrefix = "attachment-";
  if (name.size() <= kPrefix.size() || name.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : name.substr(kPrefix.size())) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument("email: field '" + std::string(field) + "' " + std::string(what));
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// "<id@host>" -> "id@host"; both spellings of one id dedupe alike.
std::string_view StripAngles(std::string_view id) {
  id = TrimSpace(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = TrimSpace(id.substr(1, id.size() - 2));
  return id;
}

// The Message-Id from the message-headers JSON list of [name, value] pairs.
StatusOr<std::optional<std::string>> MessageIdFromHeaders(std::string_view headers_json) {
  auto root = ParseJson(headers_json);
  if (!root.ok()) return FieldError("message-headers", "is not valid JSON");
  auto list = AsArray(*root, "message-headers");
  if (!list.ok()) return FieldError("message-headers", "must be a JSON list of [name, value] pairs");
  for (JsonElement entry : *list) {
    auto pair = AsArray(entry, "message-headers[]");
    if (!pair.ok()) return FieldError("message-headers", "must be a JSON list of [name, value] pairs");
    JsonElement items[2];
    std::size_t count = 0;
    for (JsonElement item : *pair) {
      if (count < 2) items[count] = item;
      ++count;
    }
    if (count != 2) return FieldError("message-headers", "must be a JSON list of [name, value] pairs");
    // Mailgun gives parameterized headers as structured values, e.g.
    // ["Content-Type", ["multipart/alternative", {"boundary": "..."}]]: not
    // what is looked for here, so any pair that is not [string, string] is
    // skipped rather than refusing the email.
    auto name = AsString(items[0], "message-headers[][0]");
    auto value = AsString(items[1], "message-headers[][1]");
    if (!name.ok() || !value.ok()) continue;
    if (EqualsIgnoreCase(*name, "Message-Id")) return std::optional<std::string>(std::string(*value));
  }
  return std::optional<std::string>();
}

}  // namespace

std::optional<std::string_view> MailgunForm::Get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (f.name == name) return f.value;
  }
  return std::nullopt;
}

std::optional<std::string_view> MailgunForm::GetIgnoreCase(std::string_view name) const {
  for (const Field& f : fields_) {
    if (EqualsIgnoreCase(f.name, name)) return f.value;
  }
  return std::nullopt;
}

std::size_t MailgunForm::Count(std::string_view name) const {
  std::size_t n = 0;
  for (const Field& f : fields_) n += f.name == name;
  return n;
}

StatusOr<MailgunForm> DecodeMailgunForm(std::string_view content_type, std::string_view body) {
  MailgunForm form;
  if (MediaTypeIs(content_type, "application/x-www-form-urlencoded")) {
    auto fields = ParseUrlEncodedForm(body);
    if (!fields.ok()) return Status::InvalidArgument("email: " + fields.status().message());
    form.decoded_ = std::move(*fields);
    form.fields_.reserve(form.decoded_.size());
    for (const FormField& f : form.decoded_) form.fields_.push_back({f.name, f.value});
    return form;
  }
  if (MediaTypeIs(content_type, "multipart/form-data")) {
    auto boundary = MultipartFormBoundary(content_type);
    if (!boundary.ok()) return Status::InvalidArgument("email: " + boundary.status().message());
    auto parts = ParseMultipartForm(body, *boundary);
    if (!parts.ok()) return Status::InvalidArgument("email: " + parts.status().message());
    form.parts_ = std::move(*parts);
    for (const MultipartPart& part : form.parts_) {
      if (IsAttachmentName(part.name)) {
        form.files_.push_back({part.name, part.filename ? std::string_view(*part.filename) : std::string_view(),
                               part.content_type, part.body.size()});
      } else {
        form.fields_.push_back({part.name, part.body});
      }
    }
    return form;
  }
  return Status::InvalidArgument("email: expected application/x-www-form-urlencoded or multipart/form-data");
}

StatusOr<Contact> NormalizeMailgunForm(const MailgunForm& form) {
  Contact contact;

  // A raw-MIME route posts body-mime and none of the parsed fields; say so
  // before complaining about whichever parsed field is missing first.
  if (form.Get("body-mime").has_value() && !form.Get("body-plain").has_value() &&
      !form.Get("stripped-text").has_value()) {
    return FieldError("body-mime",
                      "is not supported: raw MIME routes cannot be read; forward the parsed message (a route URL "
                      "that does not end in 'mime')");
  }

  // Sender.
  std::optional<std::string_view> from = form.Get("from");
  std::string_view from_field = "from";
  if (!from.has_value() || TrimSpace(*from).empty()) {
    from = form.Get("sender");
    from_field = "sender";
  }
  if (!from.has_value()) return Status::InvalidArgument("email: field 'from' (or 'sender') is required");
  if (!IsValidUtf8(*from)) return FieldError(from_field, "is not valid UTF-8");
  auto mailbox = ParseMailbox(*from);
  if (!mailbox.ok()) return FieldError(from_field, "holds no valid email address");
  contact.customer_id = std::move(mailbox->address);
  contact.display_name = std::move(mailbox->display_name);

  // Signed delivery time.
  std::optional<std::string_view> timestamp = form.Get("timestamp");
  if (!timestamp.has_value()) return FieldError("timestamp", "is required");
  std::optional<std::int64_t> seconds = ParseEpochString(*timestamp);
  if (!seconds.has_value()) return FieldError("timestamp", "must be decimal seconds");
  contact.sent_at_ms = EpochToMillis(*seconds);

  // Body.
  std::string_view body_field = "stripped-text";
  std::optional<std::string_view> body = form.Get(body_field);
  if (!body.has_value() || TrimSpace(*body).empty()) {
    body_field = "body-plain";
    body = form.Get(body_field);
  }
  if (!body.has_value()) return FieldError("body-plain", "is required");
  if (!IsValidUtf8(*body)) return FieldError(body_field, "is not valid UTF-8");
  std::string_view subject = TrimSpace(form.Get("subject").value_or(std::string_view()));
  if (!IsValidUtf8(subject)) return FieldError("subject", "is not valid UTF-8");
  std::string_view text = TrimSpace(*body);
  contact.text.reserve(subject.size() + 2 + text.size());
  if (!subject.empty()) contact.text.append(subject).append("\n\n");
  contact.text.append(text);

  // Dedup id.
  std::optional<std::string> message_id;
  if (std::optional<std::string_view> field = form.GetIgnoreCase("Message-Id")) {
    message_id = std::string(*field);
  } else if (std::optional<std::string_view> headers = form.Get("message-headers")) {
    auto from_headers = MessageIdFromHeaders(*headers);
    if (!from_headers.ok()) return from_headers.status();
    message_id = std::move(*from_headers);
  }
  if (message_id.has_value() && !StripAngles(*message_id).empty()) {
    if (!IsValidUtf8(*message_id)) return FieldError("Message-Id", "is not valid UTF-8");
    contact.provider_message_id.assign(StripAngles(*message_id));
  } else {
    std::string material = contact.customer_id;
    material.append(*timestamp).append(form.Get("token").value_or(std::string_view()));
    contact.provider_message_id = HexEncode(Sha256(material));
  }

  // Attachment references; the bytes stay in the request.
  for (const MailgunForm::File& file : form.files()) {
    if (!IsValidUtf8(file.filename) || !IsValidUtf8(file.content_type)) {
      return FieldError(file.field_name, "has a filename or Content-Type that is not valid UTF-8");
    }
    contact.attachments.push_back(AttachmentRef{"file", std::string(file.field_name), std::string(file.content_type),
                                                static_cast<std::uint64_t>(file.size), std::string(file.filename)});
  }
  return contact;
}

StatusOr<Contact> ParseMailgunPayload(std::string_view content_type, std::string_view body) {
  auto form = DecodeMailgunForm(content_type, body);
  if (!form.ok()) return form.status();
  return NormalizeMailgunForm(*form);
}

}  // namespace routerd::adapters::email
