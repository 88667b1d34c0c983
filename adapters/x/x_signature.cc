#include "x/x_signature.h"

#include "common/encoding.h"
#include "common/hmac.h"
#include "common/json.h"

namespace routerd::adapters::x {

namespace {
constexpr std::string_view kPrefix = "sha256=";
}  // namespace

std::string XSignature(std::string_view consumer_secret, std::string_view message) {
  return std::string(kPrefix) + Base64Encode(HmacSha256(consumer_secret, message));
}

std::string CrcResponseBody(std::string_view consumer_secret, std::string_view crc_token) {
  std::string body = "{\"response_token\":";
  AppendJsonString(body, XSignature(consumer_secret, crc_token));
  body.push_back('}');
  return body;
}

bool VerifyXSignature(std::string_view header, std::string_view consumer_secret, std::string_view body) {
  if (!header.starts_with(kPrefix)) return false;
  std::optional<std::string> received = Base64Decode(header.substr(kPrefix.size()));
  if (!received || received->size() != 32) return false;
  const std::string expected = HmacSha256(consumer_secret, body);
  return expected.size() == 32 && ConstantTimeEquals(*received, expected);
}

}  // namespace routerd::adapters::x
