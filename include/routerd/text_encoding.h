// The text encodings the engine and the adapters both write or read, in one
// place each so that a fix lands once:
//  - JSON string literals (RFC 8259 7): what every JSON answer and record is
//    made of;
//  - form and query components (application/x-www-form-urlencoded, RFC 3986
//    percent escapes with '+' as a space);
//  - tokens compared without regard to ASCII case (header and field names,
//    media types, dispositions).
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd {

// Appends `s` as a JSON string literal, quotes included: '"' and '\' escaped,
// control characters as \n, \r, \t or \u00XX; other bytes as they are (the
// caller passes UTF-8).
void AppendJsonString(std::string& out, std::string_view s);

// Decodes one name or value of a query string or form body. A '%' that is not
// followed by two hex digits is InvalidArgument (naming neither: the caller
// knows which field it decoded).
StatusOr<std::string> DecodeFormComponent(std::string_view in);

// Whether `a` and `b` are equal but for the case of ASCII letters (RFC 9110
// 5.1 for field names; other bytes compare as they are).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace routerd
