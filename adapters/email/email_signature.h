// Mailgun webhook signatures: `signature` = lowercase hex
// HMAC-SHA256(signing key, timestamp + token), carried as form fields.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace routerd::adapters::email {

std::string MailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token);

// Constant-time check of a received hex signature (either case); false when
// any of the three fields is empty.
bool VerifyMailgunSignature(std::string_view signing_key, std::string_view timestamp, std::string_view token,
                            std::string_view signature);

}  // namespace routerd::adapters::email
