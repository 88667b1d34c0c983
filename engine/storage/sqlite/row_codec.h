// The byte encoding shared by the journal's log rows (contact_log.h,
// event_log.h): varints, zigzag varints for signed values, and strings as a
// varint byte count followed by the bytes as they came.
//
// Thread safety: stateless functions; a RowReader is thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace routerd::storage::row_codec {

inline std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

inline std::int64_t UnZigZag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

inline void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void PutInt(std::string& out, std::int64_t v) { PutVarint(out, ZigZag(v)); }

inline void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

// Reads what the Put functions wrote; each call returns false, consuming
// nothing useful, when the bytes end early or are not a valid encoding.
class RowReader {
 public:
  explicit RowReader(std::string_view in) : in_(in) {}

  bool done() const { return in_.empty(); }
  bool Byte(char& out) {
    if (in_.empty()) return false;
    out = in_.front();
    in_.remove_prefix(1);
    return true;
  }
  bool Varint(std::uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      char c;
      if (!Byte(c)) return false;
      const auto b = static_cast<unsigned char>(c);
      out |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool String(std::string_view& out) {
    std::uint64_t n = 0;
    if (!Varint(n) || n > in_.size()) return false;
    out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Int(std::int64_t& out) {
    std::uint64_t v = 0;
    if (!Varint(v)) return false;
    out = UnZigZag(v);
    return true;
  }

 private:
  std::string_view in_;
};

}  // namespace routerd::storage::row_codec
