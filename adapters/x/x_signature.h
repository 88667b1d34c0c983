// X Account Activity API authenticity: the CRC handshake answer and the
// x-twitter-webhooks-signature check. Both are "sha256=" + base64 of
// HMAC-SHA256 keyed with the app's consumer secret (channels.md §2.1-2.2).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace routerd::adapters::x {

// "sha256=" + base64(HMAC-SHA256(consumer_secret, message)).
std::string XSignature(std::string_view consumer_secret, std::string_view message);

// The JSON body answering GET ?crc_token=T: {"response_token":"sha256=<b64>"}.
std::string CrcResponseBody(std::string_view consumer_secret, std::string_view crc_token);

// Whether `header` (x-twitter-webhooks-signature as received) signs `body`.
// The base64 part is decoded strictly and the 32 decoded bytes are compared
// in constant time.
bool VerifyXSignature(std::string_view header, std::string_view consumer_secret, std::string_view body);

}  // namespace routerd::adapters::x
