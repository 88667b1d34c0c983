#include "wechat/wechat_signature.h"

#include <algorithm>
#include <array>
#include <vector>

#include "common/encoding.h"
#include "common/hmac.h"

namespace routerd::adapters::wechat {
namespace {

bool VerifyHex(std::string_view expected_lower_hex, std::string_view received) {
  if (received.size() != expected_lower_hex.size()) return false;
  std::string lowered(received);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ConstantTimeEquals(expected_lower_hex, lowered);
}

}  // namespace

std::string SortedSha1Hex(std::span<const std::string_view> parts) {
  // std::char_traits<char> compares as unsigned char: a C-locale byte sort.
  std::vector<std::string_view> sorted(parts.begin(), parts.end());
  std::sort(sorted.begin(), sorted.end());
  std::string joined;
  size_t size = 0;
  for (std::string_view p : sorted) size += p.size();
  joined.reserve(size);
  for (std::string_view p : sorted) joined.append(p);
  return HexEncode(Sha1(joined));
}

bool VerifySignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature) {
  if (signature.empty()) return false;
  const std::array<std::string_view, 3> parts = {token, timestamp, nonce};
  return VerifyHex(SortedSha1Hex(parts), signature);
}

bool VerifyMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                        std::string_view encrypt, std::string_view msg_signature) {
  if (msg_signature.empty()) return false;
  const std::array<std::string_view, 4> parts = {token, timestamp, nonce, encrypt};
  return VerifyHex(SortedSha1Hex(parts), msg_signature);
}

}  // namespace routerd::adapters::wechat
