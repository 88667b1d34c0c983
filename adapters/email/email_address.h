// Reading one mailbox out of an RFC 5322 From header value, as Mailgun posts
// it in the `from` field: `Name <addr>`, `"Quoted, Name" <addr>`, `addr`, or
// `addr (comment)`. Only the first mailbox of a list is read. RFC 2047
// encoded-words in the display name are kept as sent (Mailgun already decodes
// the parsed fields to UTF-8).
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::adapters::email {

struct Mailbox {
  std::string display_name;  // unquoted and unescaped; empty if none
  std::string address;       // addr-spec, ASCII-lowercased
};

// InvalidArgument when no plausible addr-spec (local@domain, no spaces or
// angle brackets) can be found.
StatusOr<Mailbox> ParseMailbox(std::string_view header_value);

}  // namespace routerd::adapters::email
