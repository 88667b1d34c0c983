// WeChat signatures: `signature` (handshake and plain-mode POSTs) is the
// lowercase hex SHA-1 of token, timestamp and nonce sorted bytewise and
// concatenated; `msg_signature` (safe mode) is the same over token, timestamp,
// nonce and the Encrypt value. Sorting is by unsigned byte (C locale), which
// matters because Encrypt holds '+', '/' and '='.
//
// Thread safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace routerd::adapters::wechat {

// Lowercase hex SHA-1 of the parts sorted bytewise and concatenated.
std::string SortedSha1Hex(std::span<const std::string_view> parts);

// Constant-time checks of a received hex signature (either case) against the
// expected one; false for a missing (empty) signature.
bool VerifySignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                     std::string_view signature);
bool VerifyMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                        std::string_view encrypt, std::string_view msg_signature);

}  // namespace routerd::adapters::wechat
