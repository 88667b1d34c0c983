// WeChat safe-mode ("encrypt_type=aes") decryption, shared by Official
// Accounts and WeCom.
//
// The 43-character EncodingAESKey is base64 for a 32-byte AES key; the IV is
// the key's first 16 bytes. Encrypt is base64 of AES-256-CBC ciphertext whose
// plaintext, after PKCS#7 padding over a 32-byte block, is
//   random(16) | msg_len (4 bytes, big-endian) | msg | receive_id
// where receive_id is the AppID (CorpID for WeCom) the message is meant for.
//
// Thread safety: pure functions (the AES context is per thread).
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::adapters::wechat {

// Decodes a 43-character EncodingAESKey into its 32 key bytes. The two unused
// trailing bits are ignored, as WeChat's own SDKs do (a strict canonical
// decoder would refuse real keys such as the one ending in 'G' in the docs).
StatusOr<std::string> DecodeEncodingAesKey(std::string_view encoding_aes_key);

// Decrypts an Encrypt value with a 32-byte key and returns msg. Fails with
//  - InvalidArgument when `encrypt` is not base64 of whole AES blocks
//    (nothing any key could fix);
//  - Unauthenticated when the padding, the length field or the receive id do
//    not check out, which is what a wrong key (or a message for another app)
//    produces: the caller may try another key.
StatusOr<std::string> DecryptMessage(std::string_view aes_key, std::string_view encrypt,
                                     std::string_view expected_receive_id);

}  // namespace routerd::adapters::wechat
