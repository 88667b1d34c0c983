#include "email/email_signature.h"

#include "common/encoding.h"
#include "common/hmac.h"

namespace routerd::adapters::email {

std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token) {
  std::string message;
  message.reserve(timestamp.size() + token.size());
  message.append(timestamp).append(token);
  return HexEncode(HmacSha256(signing_key, message));
}

bool VerifyMailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token,
                            std::string_view signature) {
  if (timestamp.empty() || token.empty() || signature.empty()) return false;
  const std::string expected = MailgunSignature(signing_key, timestamp, token);
  if (signature.size() != expected.size()) return false;
  std::string lowered(signature);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ConstantTimeEquals(expected, lowered);
}

}  // namespace routerd::adapters::email
