// EscapeForLog: request bytes made safe to put in a log line. Without it a
// client could end a line and write one of its own (a forged "admin write"
// entry), or put terminal escape sequences in front of whoever reads the log.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace routerd {

// Control characters (below 0x20, and 0x7F) become \n, \r, \t or \xHH, and a
// backslash becomes \\, so the result is one line and can be read back
// unambiguously. Bytes from 0x80 up are kept (UTF-8 text stays readable).
// At most `max_bytes` of `s` are used; "..." marks a cut.
inline std::string EscapeForLog(std::string_view s, std::size_t max_bytes = 200) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool cut = s.size() > max_bytes;
  if (cut) s = s.substr(0, max_bytes);
  std::string out;
  out.reserve(s.size() + 8);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += ch;
    }
  }
  if (cut) out += "...";
  return out;
}

}  // namespace routerd
