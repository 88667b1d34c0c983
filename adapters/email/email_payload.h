// Decoding and normalizing Mailgun inbound-route posts (parsed mode).
//
// Mailgun's route action forward("https://...") posts the message as
// application/x-www-form-urlencoded, or multipart/form-data when it has
// attachments. Its signature lives in form fields (timestamp, token,
// signature), so the form has to be decoded before it can be verified:
// DecodeMailgunForm only splits the body into fields (bounded, strict), and the
// adapter verifies before NormalizeMailgunForm interprets any of them.
//
// Normalization (one email = one Contact):
//  - customer_id: the addr-spec of `from` (else `sender`), ASCII-lowercased;
//    display_name: the From display name.
//  - provider_message_id: the Message-Id (angle brackets stripped) from the
//    `Message-Id` field, else from the `message-headers` JSON list; if the
//    email has none, hex SHA-256 of customer_id + timestamp + token. That
//    fallback is unique per delivery, not per email: Mailgun's retries
//    repeat the original timestamp and token, so they get the same id and
//    are deduplicated, but the same email delivered again under a new token
//    is not.
//  - text: `stripped-text` (the reply without quoted history and signature)
//    if non-empty, else `body-plain`; a non-empty subject is put in front,
//    followed by a blank line, because Contact has no subject field and agents
//    and routing rules need it.
//  - sent_at_ms: the signed `timestamp` (seconds); the Date header is
//    untrusted and left alone.
//  - attachments: every multipart part named attachment-<N> becomes
//    {type "file", reference = the part name, mime = its Content-Type,
//    size_bytes = its length, name = its filename}; the bytes are not kept.
//  - raw-MIME routes (only `body-mime`) are refused with an error naming the
//    field: this adapter reads the parsed fields, not MIME.
//
// Thread safety: pure functions. A MailgunForm views the body it was decoded
// from (multipart) and must not outlive it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/form.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::adapters::email {

// Adapter-level guard: Mailgun accepts messages up to 25 MB, which grow by
// about a third when posted as form fields.
inline constexpr std::size_t kMaxBodyBytes = std::size_t{40} << 20;

class MailgunForm {
 public:
  struct Field {
    std::string_view name;
    std::string_view value;
  };
  struct File {
    std::string_view field_name;  // "attachment-1"
    std::string_view filename;
    std::string_view content_type;
    std::size_t size = 0;
  };

  MailgunForm() = default;
  // Move-only: fields_ views bytes owned by decoded_ and parts_.
  MailgunForm(MailgunForm&&) = default;
  MailgunForm& operator=(MailgunForm&&) = default;
  MailgunForm(const MailgunForm&) = delete;
  MailgunForm& operator=(const MailgunForm&) = delete;

  // The value of the first field with this exact name; nullopt when absent.
  std::optional<std::string_view> Get(std::string_view name) const;
  // As Get, but the name is matched ignoring ASCII case.
  std::optional<std::string_view> GetIgnoreCase(std::string_view name) const;
  // How many fields carry this exact name.
  std::size_t Count(std::string_view name) const;
  const std::vector<Field>& fields() const { return fields_; }
  const std::vector<File>& files() const { return files_; }

 private:
  friend StatusOr<MailgunForm> DecodeMailgunForm(std::string_view content_type, std::string_view body);

  // Storage for urlencoded bodies (decoding creates new bytes). A vector's
  // elements keep their address when the vector is moved, so the views in
  // fields_ stay valid with the MailgunForm.
  std::vector<FormField> decoded_;
  std::vector<MultipartPart> parts_;
  std::vector<Field> fields_;
  std::vector<File> files_;
};

// Splits a body by its Content-Type (urlencoded or multipart/form-data).
// InvalidArgument for another media type or a malformed body.
StatusOr<MailgunForm> DecodeMailgunForm(std::string_view content_type, std::string_view body);

// Builds the Contact (without channel identity and received_at_ms).
// InvalidArgument naming the field that is missing or wrong.
StatusOr<Contact> NormalizeMailgunForm(const MailgunForm& form);

// DecodeMailgunForm then NormalizeMailgunForm, without any signature check:
// the pure parse that the fuzz target drives.
StatusOr<Contact> ParseMailgunPayload(std::string_view content_type, std::string_view body);

}  // namespace routerd::adapters::email
