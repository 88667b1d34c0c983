// HTML form bodies: application/x-www-form-urlencoded and multipart/form-data
// (RFC 7578): Mailgun-style inbound email routes and the voice upload of an
// IVR both parse theirs here, so a fix to either format lands once.
//
// Both parsers are strict about structure (a malformed percent escape, a
// missing closing boundary, a part without a form-data name: all errors) and
// bounded (number of fields and parts, size of each part's header block).
// Duplicate field names are kept, in body order. Multipart part bodies are
// views into the caller's buffer and are never copied; the caller keeps the
// body alive while it uses the parts. Content-Transfer-Encoding (deprecated by
// RFC 7578) is not applied: part bodies are returned as sent.
//
// Thread safety: pure functions; the results are plain values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/status.h"

namespace routerd {

// One decoded name=value pair of a urlencoded body.
struct FormField {
  std::string name;
  std::string value;
};

// Splits on '&', decodes '+' as space and %XX escapes (upper or lower hex) in
// names and values. Empty pairs ("a=1&&b=2") are skipped; a pair without '='
// is a name with an empty value. Fails on a malformed escape or when there
// are more than max_fields pairs.
StatusOr<std::vector<FormField>> ParseUrlEncodedForm(std::string_view body, std::size_t max_fields = 1024);

struct MultipartLimits {
  std::size_t max_parts = 256;
  std::size_t max_header_bytes = 8 * 1024;  // one part's header block
  std::size_t max_headers = 16;             // header lines in one part
};

struct MultipartPart {
  std::string name;                     // Content-Disposition name parameter
  std::optional<std::string> filename;  // Content-Disposition filename parameter, if any
  std::string_view content_type;        // the part's Content-Type value, trimmed; empty if absent
  std::string_view body;                // the part's bytes, a view into the parsed body
};

// The boundary parameter of a multipart Content-Type header value, quoted or
// not, checked against RFC 2046 (1..70 allowed characters). Fails when the
// media type is not multipart/form-data or the parameter is missing or bad.
StatusOr<std::string> MultipartFormBoundary(std::string_view content_type);

// Parses a multipart/form-data body delimited by `boundary`. Lines must end in
// CRLF. A preamble before the first delimiter and an epilogue after the close
// delimiter are ignored; a body without the close delimiter is an error
// (truncated). Every part must carry `Content-Disposition: form-data; name=...`.
StatusOr<std::vector<MultipartPart>> ParseMultipartForm(std::string_view body, std::string_view boundary,
                                                        const MultipartLimits& limits = {});

}  // namespace routerd
