// libFuzzer target for the email adapter's pure parsing (form decoding and
// Mailgun field normalization, no signature). An input that starts with "--"
// is multipart/form-data whose boundary is the rest of its first line, like
// the multipart fixtures; anything else is application/x-www-form-urlencoded.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "email/email_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string content_type = "application/x-www-form-urlencoded";
  if (input.substr(0, 2) == "--") {
    const std::string_view boundary = input.substr(2, input.find("\r\n") - 2);
    content_type = "multipart/form-data; boundary=\"" + std::string(boundary.substr(0, 80)) + "\"";
  }
  (void)routerd::adapters::email::ParseMailgunPayload(content_type, input);
  return 0;
}
