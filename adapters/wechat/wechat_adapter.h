// The WeChat Official Account channel adapter ("wechat").
//
// GET is the server-URL handshake: `signature` over (token, timestamp, nonce)
// must match, and the plaintext `echostr` is echoed back verbatim. (With a
// safe-mode key configured and a `msg_signature` in the query, the WeCom-style
// handshake is also understood: the encrypted echostr is checked with
// msg_signature, decrypted and its plaintext echoed.) A failed handshake is a
// 401 with a JSON error: WeChat only looks for the echo.
//
// POST is a message push. Plain mode (no `encrypt_type`, or `raw`) checks
// `signature`, which covers the query only, not the body. Safe and compat mode
// (`encrypt_type=aes`) check `msg_signature` over (token, timestamp, nonce,
// Encrypt), decrypt Encrypt with the current EncodingAESKey (then with the
// previous one, for key rotation), and require the decrypted app id to be the
// configured one. Once a safe-mode key is configured, plain-mode POSTs are
// refused: they would let anyone replay a captured query string with a forged
// body. Either way, the query `timestamp` must be within
// timestamp_tolerance_seconds of now (replay guard; not applied to the GET
// handshake, which has no effect worth replaying). In plain mode each
// (timestamp, nonce) delivers one body: the same pair with another body is a
// 401 replay, the same pair with the same body (a retry) passes and is
// deduplicated on its MsgId (common/replay_cache.h). Accepted pushes, and pushes
// that only carry ignored events, are answered 200 "success" (text/plain), so
// WeChat neither retries nor shows the user an error.
//
// Content-Type: text/xml and application/xml are accepted, and so is a request
// without one, because WeChat is not consistent about sending it; anything
// else is 415.
//
// Configuration keys ([[tenants.channels]] with kind = "wechat"):
//   token                        secret (or token_env / token_file), required
//   app_id                       string, required (the AppID; for WeCom, the CorpID)
//   encoding_aes_key             secret, optional: 43 characters; enables safe mode
//   previous_encoding_aes_key    secret, optional: tried when the current key fails
//   timestamp_tolerance_seconds  integer >= 0, default 300; 0 disables the check
//
// Thread safety: the adapter's settings are immutable after Create(), its
// replay cache is internally locked; Handle() may run concurrently on any
// number of threads.
#pragma once

#include <memory>

#include "routerd/adapter.h"

namespace routerd::adapters::wechat {

std::unique_ptr<routerd::ChannelAdapterFactory> MakeWeChatAdapterFactory();

}  // namespace routerd::adapters::wechat
