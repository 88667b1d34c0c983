#include "engine/config/cluster_loader.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config/id_rules.h"

namespace routerd::config {
namespace {

using internal::ErrorList;
using internal::Presence;
using internal::Quote;
using internal::TableReader;

// Ranges documented in config/README.md and config.h; keep them in step.
constexpr std::int64_t kMinLeaseMs = 500;
constexpr std::int64_t kMaxLeaseMs = 60000;
constexpr std::int64_t kMinRenewMs = 100;
constexpr std::int64_t kMinInboxPollMs = 50;
constexpr std::int64_t kMaxInboxPollMs = 10000;

// A value given inline (`key`) or as the name of an environment variable
// (`key_env`), the one that differs between instances reading the same file.
struct Sourced {
  enum class State {
    kAbsent,      // neither key
    kReported,    // an error was reported already
    kUnresolved,  // key_env given, not read: the cluster is disabled
    kValue,
  };
  State state = State::kAbsent;
  std::string value;
  std::string given_as;  // the key it came from
  std::string variable;  // key_env: the variable's name
};

// `resolve_env`: read the variable (only an enabled cluster needs it, so a
// disabled one does not fail where the variable is not set).
Sourced ReadInlineOrEnv(TableReader& r, std::string_view key, bool resolve_env) {
  const std::string env_key = std::string(key) + "_env";
  std::optional<std::string> inline_value = r.String(key, Presence::kOptional);
  std::optional<std::string> variable = r.String(env_key, Presence::kOptional);
  Sourced out;
  if (inline_value && variable) {
    r.Error(env_key, "give only one of " + std::string(key) + " and " + env_key);
    out.state = Sourced::State::kReported;
    return out;
  }
  if (inline_value) {
    out.state = Sourced::State::kValue;
    out.value = *inline_value;
    out.given_as = key;
    return out;
  }
  if (!variable) return out;
  out.given_as = env_key;
  out.variable = *variable;
  if (variable->empty()) {
    r.Error(env_key, env_key + " is empty (give the name of an environment variable)");
    out.state = Sourced::State::kReported;
  } else if (!resolve_env) {
    out.state = Sourced::State::kUnresolved;
  } else if (const char* value = std::getenv(variable->c_str()); value == nullptr) {
    r.Error(env_key, "environment variable '" + *variable + "' is not set");
    out.state = Sourced::State::kReported;
  } else {
    out.state = Sourced::State::kValue;
    out.value = value;
  }
  return out;
}

// Reports `why` (a phrase starting with "is") about a value read by ReadInlineOrEnv.
void ReportBadValue(TableReader& r, Sourced& s, std::string_view why) {
  std::string message = s.variable.empty()
                            ? s.given_as + " = " + Quote(s.value) + " " + std::string(why)
                            : s.given_as + ": environment variable '" + s.variable + "' = " + Quote(s.value) +
                                  ", which " + std::string(why);
  r.Error(s.given_as, message);
  s.state = Sourced::State::kReported;
}

bool IsPort(std::string_view port) {
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return false;
  }
  const int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

// The advertised URL without a trailing "/", or nullopt and `why` (a phrase
// starting with "is"). Agents and administrators are sent there by other
// instances, so it names the instance itself: no path, query or user.
std::optional<std::string> CheckAdvertiseUrl(std::string_view url, std::string& why) {
  std::string_view scheme;
  for (std::string_view s : {"http://", "https://"}) {
    if (url.starts_with(s)) scheme = s;
  }
  if (scheme.empty()) {
    why = "is not an http:// or https:// URL (e.g. \"http://10.0.0.5:8080\")";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    why = "is not a plain URL: give scheme, host and port, without a query or fragment";
    return std::nullopt;
  }
  const size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos && rest.substr(slash) != "/") {
    why = "has a path: other instances send agents to this instance's root, so give scheme, host and port only";
    return std::nullopt;
  }
  if (authority.find('@') != std::string_view::npos) {
    why = "holds user information: give scheme, host and port only";
    return std::nullopt;
  }
  std::string_view host;
  std::string_view port;
  bool host_ok = false;
  if (authority.starts_with("[")) {  // IPv6: [::1]:8080
    const size_t close = authority.find(']');
    if (close != std::string_view::npos && authority.substr(close + 1).starts_with(":")) {
      host = authority.substr(1, close - 1);
      port = authority.substr(close + 2);
      host_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
      });
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    host_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
    });
  }
  if (!host_ok || !IsPort(port)) {
    why = "does not name a host and a port 1..65535 (e.g. \"http://10.0.0.5:8080\" or \"https://[fd00::5]:8443\")";
    return std::nullopt;
  }
  // A listen address, not one that can be reached: another instance would
  // send agents to themselves.
  if (host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0") {
    why = "names a wildcard address: give the address agents and other instances reach this one at";
    return std::nullopt;
  }
  return std::string(scheme) + std::string(authority);
}

}  // namespace

void LoadClusterTable(const toml::table& table, const StorageOptions& storage, ClusterOptions& cluster,
                      ErrorList& errors) {
  TableReader r(table, "cluster", errors);
  const bool enabled = r.Bool("enabled", Presence::kOptional).value_or(false);
  ClusterOptions read;
  read.enabled = enabled;

  Sourced id = ReadInlineOrEnv(r, "instance_id", enabled);
  if (id.state == Sourced::State::kValue) {
    if (IsPlainId(id.value)) {
      read.instance_id = id.value;
    } else {
      ReportBadValue(r, id, "is not a valid instance id (allowed: 1.." + std::to_string(kMaxIdLength) + " of " +
                                std::string(kPlainIdChars) + ")");
    }
  }
  Sourced url = ReadInlineOrEnv(r, "advertise_url", enabled);
  if (url.state == Sourced::State::kValue) {
    std::string why;
    if (std::optional<std::string> normal = CheckAdvertiseUrl(url.value, why)) {
      read.advertise_url = *normal;
    } else {
      ReportBadValue(r, url, why);
    }
  }

  const bool lease_given = table.contains("lease_ms");
  std::optional<std::int64_t> lease = r.Int("lease_ms", kMinLeaseMs, kMaxLeaseMs, Presence::kOptional);
  if (lease) read.lease_ms = static_cast<int>(*lease);
  // Its upper bound depends on lease_ms: checked below.
  std::optional<std::int64_t> renew =
      r.Int("renew_interval_ms", std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), Presence::kOptional);
  r.IntInto("inbox_poll_ms", kMinInboxPollMs, kMaxInboxPollMs, read.inbox_poll_ms);
  r.ReportUnknownKeys();

  if (renew) {
    const int half = read.lease_ms / 2;
    const std::string allowed = "(allowed 0, for a third of lease_ms, or " + std::to_string(kMinRenewMs) + ".." +
                                std::to_string(half) + ")";
    const std::string said = "renew_interval_ms = " + std::to_string(*renew);
    if (*renew < 0 || (*renew > 0 && *renew < kMinRenewMs)) {
      r.Error("renew_interval_ms", said + " is out of range " + allowed);
    } else if (lease_given && !lease) {
      // Against a lease_ms that was refused there is nothing sensible to compare.
    } else if (*renew > half) {
      r.Error("renew_interval_ms", said + " is more than half of lease_ms = " + std::to_string(read.lease_ms) +
                                       " " + allowed +
                                       ": every lease must be renewed at least twice before it would end");
    } else {
      read.renew_interval_ms = static_cast<int>(*renew);
    }
  }

  if (!enabled) return;  // a single node: the defaults, whatever else the table says
  if (id.state == Sourced::State::kAbsent) {
    r.TableError("enabled = true needs instance_id, or instance_id_env naming an environment variable that "
                 "holds it: each instance has its own, unique in the cluster");
  }
  if (url.state == Sourced::State::kAbsent) {
    r.TableError("enabled = true needs advertise_url, or advertise_url_env naming an environment variable that "
                 "holds it: the http(s)://host:port other instances send this one's agents and administrators to");
  }
  if (storage.backend != "postgresql") {
    r.Error("enabled", "enabled = true needs [storage] backend = \"postgresql\" (it is " + Quote(storage.backend) +
                           "): the instances share the tenants' state through one database");
  }
  if (storage.durability != Durability::kSync) {
    r.Error("enabled", "enabled = true needs [storage] durability = \"sync\" (it is \"async\"): in cluster mode a "
                       "2xx means the contact is committed in the shared database, where the instance that takes "
                       "its tenant over finds it");
  }
  cluster = std::move(read);
}

}  // namespace routerd::config
