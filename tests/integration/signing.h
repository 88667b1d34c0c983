// Test-side signing for provider webhooks, written straight against OpenSSL.
//
// These deliberately share no code with adapters/: the integration tests sign
// requests the way each provider documents it (shared/reference/channels.md),
// so a bug in an adapter's verification cannot be mirrored by the signer and
// pass unnoticed. The helpers are checked against the published vectors in
// signing_test.cc.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace routerd::integration {

// Raw 32-byte HMAC-SHA256(key, message).
std::string HmacSha256(std::string_view key, std::string_view message);
// Lowercase hex of `bytes`.
std::string Hex(std::string_view bytes);
// Standard base64 with padding.
std::string Base64(std::string_view bytes);
// Lowercase hex SHA-1 of `message`.
std::string Sha1Hex(std::string_view message);
// Percent-encodes everything but unreserved characters (RFC 3986), so the
// result is safe in a query string and in an x-www-form-urlencoded body.
std::string UrlEncode(std::string_view s);

// X-Hub-Signature-256 (WhatsApp, Messenger): "sha256=" + hex HMAC.
std::string MetaSignature(std::string_view app_secret, std::string_view body);
// x-line-signature: base64 HMAC, no prefix.
std::string LineSignature(std::string_view channel_secret, std::string_view body);
// x-twitter-webhooks-signature and the CRC response_token: "sha256=" + base64 HMAC.
std::string XSignature(std::string_view consumer_secret, std::string_view message);
// X-Routerd-Signature: "sha256=" + hex HMAC(secret, timestamp + "." + body).
std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body);
// Mailgun form field `signature`: hex HMAC(signing key, timestamp + token).
std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token);
// WeChat `signature`: hex SHA-1 of the byte-sorted concatenation of token,
// timestamp, nonce; `msg_signature` adds the Encrypt value to the sort.
std::string WeChatSignature(std::string_view token, std::string_view timestamp, std::string_view nonce);
std::string WeChatMsgSignature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                               std::string_view encrypt);

// WeChat safe mode: base64(AES-256-CBC(key, iv = key[0..16),
//   random16 || big-endian uint32 len(xml) || xml || app_id, PKCS#7 to 32 bytes)),
// with key = the 32 bytes of the 43-character EncodingAESKey.
std::string WeChatEncrypt(std::string_view encoding_aes_key, std::string_view app_id, std::string_view xml,
                          std::string_view random16);

// Seconds since the Unix epoch, from the wall clock (providers sign with it).
std::int64_t NowUnixSeconds();

}  // namespace routerd::integration
