#include "line/line_signature.h"

#include "common/encoding.h"
#include "common/hmac.h"

namespace routerd::adapters::line {

std::string LineSignature(std::string_view channel_secret, std::string_view body) {
  return Base64Encode(HmacSha256(channel_secret, body));
}

bool VerifyLineSignature(std::string_view header, std::string_view channel_secret, std::string_view body) {
  std::optional<std::string> received = Base64Decode(header);
  if (!received || received->size() != 32) return false;
  const std::string expected = HmacSha256(channel_secret, body);
  return expected.size() == 32 && ConstantTimeEquals(*received, expected);
}

}  // namespace routerd::adapters::line
