// Content-Type matching for webhook requests.
//
// Thread safety: pure function.
#pragma once

#include <string_view>

namespace routerd::adapters {

// Whether the media type of a Content-Type header value (the part before any
// ';' parameters, surrounding spaces and tabs trimmed) equals `media_type`,
// ignoring ASCII case. Parameters such as charset are allowed and not checked.
// REQUIRES: media_type is lowercase, e.g. "application/json".
bool MediaTypeIs(std::string_view content_type, std::string_view media_type);

}  // namespace routerd::adapters
