// Single byte ranges of a stored file (RFC 9110 section 14): what a
// "Range: bytes=..." header asks of a representation of `size` bytes.
//
// Only one range is served: a list of several is answered with the whole
// representation (RFC 9110 allows a server to ignore Range), so that a
// client never gets a multipart/byteranges body it did not expect.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace routerd::http {

struct ByteRange {
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive
  std::uint64_t length() const { return last - first + 1; }
};

enum class RangeVerdict : std::uint8_t {
  kWhole,          // no Range, not a bytes range, several ranges, or malformed: serve 200 with everything
  kPartial,        // serve 206 with `range`
  kUnsatisfiable,  // 416 with "Content-Range: bytes */<size>"
};

struct RangeRequest {
  RangeVerdict verdict = RangeVerdict::kWhole;
  ByteRange range;
};

// `header` is the Range field's value (empty when absent).
RangeRequest ParseByteRange(std::string_view header, std::uint64_t size);

// "bytes <first>-<last>/<size>".
std::string ContentRange(const ByteRange& range, std::uint64_t size);

}  // namespace routerd::http
