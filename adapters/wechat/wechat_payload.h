// Parsing and normalizing WeChat Official Account message pushes (XML).
//
// Pure functions: no signature checks, no I/O. They are what the fuzz target
// drives. Customer messages (text, image, voice, video, shortvideo, location,
// link) become Contacts with customer_id, provider_message_id, sent_at_ms,
// text and attachments filled; the caller adds the channel identity and
// received_at_ms. Events (subscribe, menu clicks, ...) and unknown MsgTypes
// are ignored and named. WeChat never batches: a push holds one message.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::adapters::wechat {

// Adapter-level guard on request bodies; real pushes are a few KiB (compat
// mode sends the plaintext and the ciphertext, about three times that).
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;

struct WeChatPayload {
  std::vector<Contact> contacts;           // zero or one
  std::vector<std::string_view> ignored;   // "event" or "unknown_type"
};

// Parses a plaintext push (plain mode body, or the decrypted safe-mode msg).
// InvalidArgument naming the field when the XML is malformed or a message
// lacks a required field or has a wrong one.
StatusOr<WeChatPayload> ParseWeChatPayload(std::string_view xml);

// The Encrypt value of a safe-mode (or compat-mode) envelope
// <xml><ToUserName>..</ToUserName><Encrypt><![CDATA[...]]></Encrypt></xml>.
StatusOr<std::string> ExtractEncrypt(std::string_view envelope_xml);

}  // namespace routerd::adapters::wechat
