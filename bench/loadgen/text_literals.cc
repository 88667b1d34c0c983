#include "bench/loadgen/text_literals.h"

namespace routerd::loadgen {

std::string JsonQuote(std::string_view s) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kDigits[c >> 4]);
          out.push_back(kDigits[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

// CDATA cannot hold "]]>"; split it across two sections as XML allows.
std::string CData(std::string_view s) {
  std::string out = "<![CDATA[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "]]>") {
      out += "]]]]><![CDATA[>";
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  out += "]]>";
  return out;
}

}  // namespace routerd::loadgen
