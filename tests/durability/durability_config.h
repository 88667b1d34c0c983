// The configuration the durability tests run routerd with, in-process or as
// the real executable: one tenant "acme" with large queues "chat" and "senior"
// (nothing overflows or times out during a test) and a queue "small" holding
// one waiting session (the next one becomes a leave message); agents a1 and
// a2 serve chat, a3 serves senior; a web and a WhatsApp channel on chat and a
// web channel on small; bearer tokens for the tenant admin and each agent. Storage is SQLite in
// `data_dir` with sync durability unless a test says otherwise; with
// backend "postgresql" it is the database at `url` (data_dir still holds the
// daemon's files).
//
// The web-chat and wa-main channels use the ids and secrets of
// tests/integration/integration_config.h, so that the signed requests of
// tests/integration/provider_requests.h (WebPost, WhatsAppPost) fit them.
//
// Thread safety: pure functions and constants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/gateway/test_clients.h"
#include "tests/integration/provider_requests.h"

namespace routerd::durability {

inline constexpr std::string_view kTenant = "acme";
inline constexpr std::string_view kAdminToken = "acme-admin-durability-token";
inline constexpr std::string_view kA1Token = "acme-a1-durability-token";
inline constexpr std::string_view kA2Token = "acme-a2-durability-token";
inline constexpr std::string_view kA3Token = "acme-a3-durability-token";

inline constexpr std::string_view kWebChannel = "web-chat";  // integration::kWebChannel
inline constexpr std::string_view kSmallChannel = "web-small";
inline constexpr std::string_view kSmallSecret = "web-small-test-secret";
inline constexpr std::string_view kWhatsAppChannel = "wa-main";  // integration::kWhatsAppChannel

struct DurabilityConfig {
  std::string data_dir;            // REQUIRED
  std::uint16_t port = 0;          // 0: any free port (in-process tests)
  int grace_seconds = 60;          // agent_grace_seconds
  int tenant_cap = 10;             // max_concurrent_sessions of the tenant
  bool sync = true;                // durability = "sync" (else "async")
  int history_limit = 200;         // session_history_limit
  int partitions = 1;              // [storage] partitions (journal writer threads)
  std::string backend = "sqlite";  // [storage] backend: "sqlite" or "postgresql"
  std::string url;                 // [storage] url (libpq URL), for "postgresql" only
  // Tenants besides acme: acme-2 .. acme-<tenants>, each with a queue "chat",
  // an agent a1 (token ExtraAgentToken) and a web channel web-chat-<n>
  // (ExtraWebChannel).
  int tenants = 1;
  std::string log_level = "warn";
  int ended_session_traces = -1;  // [server] ended_session_traces; < 0: the daemon's default
  // Cluster mode ([cluster]) when not empty: this instance's id, with
  // http://127.0.0.1:<port> as its advertise_url (so the port must be
  // known: RouterdRunner sets it). Needs backend "postgresql" and sync.
  std::string cluster_instance;
  int lease_ms = 0;           // 0: the daemon's default
  int renew_interval_ms = 0;  // 0: the daemon's default (lease_ms / 3)
  int inbox_poll_ms = 0;      // 0: the daemon's default
  std::string extra_toml;     // appended as it is (top-level tables such as [[operator_tokens]])
};

std::string DurabilityToml(const DurabilityConfig& config);

// `value` as a TOML basic string, quotes included, escaped as TOML requires.
std::string TomlString(std::string_view value);

// The web channel of extra tenant `n` (2..tenants), the tenant's id, and
// the bearer token of its agent a1.
std::string ExtraWebChannel(int n);
std::string ExtraTenant(int n);
std::string ExtraAgentToken(int n);
// Extra tenant `n` as DurabilityToml writes it (a `[[tenants]]` table with
// its OU, queue, agent a1, web channel and a1's token), to append to a file.
std::string ExtraTenantToml(int n);

// A web widget event on `channel` (web-chat, web-small or an extra tenant's
// web-chat-<n>), signed now.
// `type` is "message" or "leave_message".
integration::ProviderRequest WebEvent(std::string_view channel, std::string_view event_id, std::string_view type,
                                      std::string_view visitor_id, std::string_view text);
// One WhatsApp text message on wa-main, signed.
integration::ProviderRequest WhatsAppText(std::string_view wamid, std::string_view from, std::string_view text);

// Sends a provider request; status 0 (and `error` set) when no answer came.
struct Delivery {
  int status = 0;
  std::string body;
  std::string error;
};
Delivery Deliver(gateway_test::HttpClient& client, const integration::ProviderRequest& request);

// "Authorization: Bearer <token>".
gateway_test::Headers Bearer(std::string_view token);

}  // namespace routerd::durability
