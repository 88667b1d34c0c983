// Crypto and encodings the load generator signs provider webhooks with,
// written straight against OpenSSL from the providers' documentation
// (shared/reference/channels.md). Nothing here comes from adapters/ or engine/:
// the load generator must be able to catch a verification bug in the daemon,
// not mirror it. Checked against the published vectors in tests/loadgen/.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::loadgen {

// Raw digests and MACs (binary strings).
std::string HmacSha256(std::string_view key, std::string_view message);
std::string HmacSha1(std::string_view key, std::string_view message);
std::string Sha256(std::string_view message);
std::string Sha1(std::string_view message);

// Lowercase hex of `bytes`.
std::string Hex(std::string_view bytes);
// Standard base64 with padding, and its inverse (InvalidArgument on bad input).
std::string Base64(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);
// Percent-encodes everything but RFC 3986 unreserved characters: safe in a
// query string and in an application/x-www-form-urlencoded body.
std::string UrlEncode(std::string_view s);

// ---- Provider signatures -----------------------------------------------------
// X-Hub-Signature-256 (WhatsApp, Messenger): "sha256=" + hex HMAC-SHA256(app secret, body).
std::string MetaSignature256(std::string_view app_secret, std::string_view body);
// Legacy X-Hub-Signature that Messenger still sends: "sha1=" + hex HMAC-SHA1.
std::string MetaSignature1(std::string_view app_secret, std::string_view body);
// x-line-signature: base64 HMAC-SHA256(channel secret, body), no prefix.
std::string LineSignature(std::string_view channel_secret, std::string_view body);
// x-twitter-webhooks-signature (and the CRC response_token): "sha256=" + base64 HMAC-SHA256.
std::string XSignature(std::string_view consumer_secret, std::string_view message);
// X-Routerd-Signature: "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body);
// Mailgun form field `signature`: hex HMAC-SHA256(signing key, timestamp + token).
std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token);
// WeChat `signature`: hex SHA-1 of the byte-sorted concatenation of token,
// timestamp and nonce; `msg_signature` adds the Encrypt value to the sort.
std::string WeChatSignature(std::string_view token, std::string_view timestamp, std::string_view nonce);
std::string WeChatMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypt);

// The 32-byte AES key of a 43-character EncodingAESKey (base64 without its '=').
StatusOr<std::string> WeChatAesKey(std::string_view encoding_aes_key);
// WeChat safe mode: base64(AES-256-CBC(key, iv = key[0..16),
//   random16 || big-endian uint32 len(xml) || xml || app_id, PKCS#7 padded to 32 bytes)).
// REQUIRES: random16.size() == 16.
StatusOr<std::string> WeChatEncrypt(std::string_view encoding_aes_key, std::string_view app_id,
                                    std::string_view xml, std::string_view random16);
// The inverse, for tests: the XML and the app id after it.
struct WeChatPlaintext {
  std::string xml;
  std::string app_id;
};
StatusOr<WeChatPlaintext> WeChatDecrypt(std::string_view encoding_aes_key, std::string_view encrypt);

}  // namespace routerd::loadgen
