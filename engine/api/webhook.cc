#include "routerd/webhook.h"

#include "routerd/text_encoding.h"

namespace routerd {
namespace {

// A name or value with a malformed escape is taken literally, as providers'
// handshake parameters (tokens, challenges) are compared byte for byte by
// the adapters, which then refuse what does not match.
std::string Decoded(std::string_view in) {
  StatusOr<std::string> d = DecodeFormComponent(in);
  return d.ok() ? std::move(*d) : std::string(in);
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
    if (Decoded(n) != name) return false;
    result = Decoded(v);
    return true;
  });
  return result;
}

bool WebhookRequest::HasQueryParam(std::string_view name) const {
  return ForEachParam(query, [&](std::string_view n, std::string_view) { return Decoded(n) == name; });
}

}  // namespace routerd
