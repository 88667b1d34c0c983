#include "routerd/webhook.h"

#include <strings.h>

namespace routerd {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Calls fn(name, raw_value) for each parameter until fn returns true.
template <typename Fn>
bool ForEachParam(std::string_view query, Fn&& fn) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string_view name = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (fn(name, value)) return true;
  }
  return false;
}

}  // namespace

std::string_view WebhookRequest::Header(std::string_view name) const {
  for (const HeaderView& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) return h.value;
  }
  return {};
}

std::string WebhookRequest::QueryParam(std::string_view name) const {
  std::string result;
  ForEachParam(query, [&](std::string_view n, std::string_view v) {
    if (PercentDecode(n) != name) return false;
    result = PercentDecode(v);
    return true;
  });
  return result;
}

bool WebhookRequest::HasQueryParam(std::string_view name) const {
  return ForEachParam(query, [&](std::string_view n, std::string_view) { return PercentDecode(n) == name; });
}

}  // namespace routerd
