#include "engine/config/dialer_loader.h"

#include <cstdint>
#include <string_view>

#include "routerd/channel_options.h"

namespace routerd::config {
namespace {

using internal::Presence;
using internal::TableReader;

// "http://host[:port]/path": the telephony side is reached over plain HTTP on
// the operator's network (a TLS-terminating proxy in front of anything
// farther away), so only that form is accepted.
bool ValidDialerUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return false;
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '#' || c == '@') return false;
  }
  return true;
}

}  // namespace

void LoadDialerTable(const toml::table& table, const std::string& path, DialerConfig& dialer,
                     internal::ErrorList& errors) {
  TableReader r(table, path + ".dialer", errors);
  dialer.line = r.line();
  r.IntInto("idle_max_active_sessions", 0, 60, dialer.idle_max_active_sessions);
  if (auto url = r.String("url", Presence::kOptional)) {
    if (!ValidDialerUrl(*url)) {
      r.Error("url", "url = \"" + *url +
                         "\" is not an http:// URL with a host (\"http://host[:port]/path\"; put a TLS proxy in "
                         "front of a telephony that is reached over https)");
    } else {
      dialer.url = *url;
    }
  }
  r.IntInto("timeout_ms", 100, 60000, dialer.timeout_ms);
  r.IntInto("max_attempts", 1, 10, dialer.max_attempts);
  r.IntInto("retry_backoff_ms", 10, 60000, dialer.retry_backoff_ms);
  r.IntInto("callback_tolerance_seconds", 1, 86400, dialer.callback_tolerance_seconds);
  r.IntInto("max_pending_calls", 1, 100000, dialer.max_pending_calls);
  // The secret, inline or from the environment or a file, as a channel's.
  ChannelOptions secret(errors.file(), r.line(), r.where());
  bool has_secret_key = false;
  for (std::string_view key : {"secret", "secret_env", "secret_file"}) {
    if (auto value = r.String(key, Presence::kOptional)) {
      secret.Set(std::string(key), *value, r.KeyLine(key));
      has_secret_key = true;
    }
  }
  r.ReportUnknownKeys();
  if (!has_secret_key && dialer.url.empty()) return;
  StatusOr<std::string> value = secret.RequiredSecret("secret");
  if (!value.ok()) {
    errors.AddFormatted(r.KeyLine("secret"), std::string(value.status().message()));
  } else if (value->size() < 16) {
    r.Error("secret", "secret is " + std::to_string(value->size()) + " bytes; at least 16 are required");
  } else {
    dialer.secret = std::move(value).value();
  }
}

}  // namespace routerd::config
