#include "tests/durability/durability_config.h"

#include "engine/config/agent_definition.h"

#include "tests/integration/integration_config.h"
#include "tests/integration/signing.h"

namespace routerd::durability {
namespace {

std::string TokenToml(std::string_view role, std::string_view employee, std::string_view token) {
  std::string out = "\n[[tenants.tokens]]\nrole = \"" + std::string(role) + "\"\n";
  if (!employee.empty()) out += "employee_id = \"" + std::string(employee) + "\"\n";
  out += "token_sha256 = \"" + gateway_test::Sha256Hex(token) + "\"\n";
  return out;
}

std::string ClusterToml(const DurabilityConfig& c) {
  std::string toml = "\n[cluster]\nenabled = true\ninstance_id = " + TomlString(c.cluster_instance) + "\n";
  toml += "advertise_url = \"http://127.0.0.1:" + std::to_string(c.port) + "\"\n";
  if (c.lease_ms > 0) toml += "lease_ms = " + std::to_string(c.lease_ms) + "\n";
  if (c.renew_interval_ms > 0) toml += "renew_interval_ms = " + std::to_string(c.renew_interval_ms) + "\n";
  if (c.inbox_poll_ms > 0) toml += "inbox_poll_ms = " + std::to_string(c.inbox_poll_ms) + "\n";
  return toml;
}

}  // namespace

std::string TomlString(std::string_view value) { return config::TomlString(value); }

std::string ExtraWebChannel(int n) { return "web-chat-" + std::to_string(n); }
std::string ExtraTenant(int n) { return "acme-" + std::to_string(n); }
std::string ExtraTenantToml(int n) {
  return "\n[[tenants]]\nid = \"" + ExtraTenant(n) + "\"\nsession_idle_timeout_seconds = 604800\n" +
         "max_concurrent_sessions = 10\n\n[[tenants.ous]]\nid = \"desk\"\n\n[[tenants.skill_queues]]\nid = \"chat\"\nmax_wait_seconds = 86400\n" +
         "max_waiting = 1000000\n\n[[tenants.agents]]\nemployee_id = \"a1\"\nou = \"desk\"\ntype = \"multimedia\"\n" +
         "skill_queues = [\"chat\"]\n\n[[tenants.channels]]\nid = \"" + ExtraWebChannel(n) +
         "\"\nkind = \"web\"\nskill_queue = \"chat\"\nsecret = \"web-test-secret-" + std::to_string(n) + "\"\n" +
         TokenToml("agent", "a1", ExtraAgentToken(n));
}

std::string ExtraAgentToken(int n) { return "acme-" + std::to_string(n) + "-a1-durability-token"; }

std::string DurabilityToml(const DurabilityConfig& c) {
  std::string toml = "[server]\nlisten = \"127.0.0.1:" + std::to_string(c.port) + "\"\n";
  toml += "io_threads = 2\nrouter_shards = 1\nshutdown_grace_seconds = 5\n";
  toml += "agent_grace_seconds = " + std::to_string(c.grace_seconds) + "\n";
  toml += "log_level = \"" + c.log_level + "\"\n";
  toml += "session_history_limit = " + std::to_string(c.history_limit) + "\n";
  if (c.ended_session_traces >= 0) {
    toml += "ended_session_traces = " + std::to_string(c.ended_session_traces) + "\n";
  }
  toml += "\n[storage]\ndata_dir = " + TomlString(c.data_dir) + "\n";
  if (c.backend != "sqlite") toml += "backend = " + TomlString(c.backend) + "\n";
  if (!c.url.empty()) toml += "url = " + TomlString(c.url) + "\n";
  toml += std::string("durability = \"") + (c.sync ? "sync" : "async") + "\"\n";
  toml += "partitions = " + std::to_string(c.partitions) + "\n";
  if (!c.cluster_instance.empty()) toml += ClusterToml(c);
  toml += "\n[[tenants]]\nid = \"acme\"\nsession_idle_timeout_seconds = 604800\n";
  toml += "max_concurrent_sessions = " + std::to_string(c.tenant_cap) + "\n";
  toml += R"(
[[tenants.ous]]
id = "desk"

[[tenants.skill_queues]]
id = "chat"
strategy = "least_busy"
max_wait_seconds = 86400
max_waiting = 1000000

[[tenants.skill_queues]]
id = "small"
max_wait_seconds = 86400
max_waiting = 1

[[tenants.skill_queues]]
id = "senior"
max_wait_seconds = 86400
max_waiting = 1000000

[[tenants.agents]]
employee_id = "a1"
ou = "desk"
type = "multimedia"
skill_queues = ["chat"]

[[tenants.agents]]
employee_id = "a2"
ou = "desk"
type = "multimedia"
skill_queues = ["chat"]

[[tenants.agents]]
employee_id = "a3"
ou = "desk"
type = "multimedia"
skill_queues = ["senior"]

[[tenants.channels]]
id = "web-chat"
kind = "web"
skill_queue = "chat"
secret = "web-test-secret"

[[tenants.channels]]
id = "web-small"
kind = "web"
skill_queue = "small"
secret = "web-small-test-secret"

[[tenants.channels]]
id = "wa-main"
kind = "whatsapp"
skill_queue = "chat"
app_secret = "wa-test-app-secret"
verify_token = "wa-test-verify-token"
)";
  toml += TokenToml("tenant_admin", "", kAdminToken);
  toml += TokenToml("agent", "a1", kA1Token);
  toml += TokenToml("agent", "a2", kA2Token);
  toml += TokenToml("agent", "a3", kA3Token);
  for (int n = 2; n <= c.tenants; ++n) toml += ExtraTenantToml(n);
  toml += c.extra_toml;
  return toml;
}

integration::ProviderRequest WebEvent(std::string_view channel, std::string_view event_id, std::string_view type,
                                      std::string_view visitor_id, std::string_view text) {
  std::string body = integration::WebEventBody(event_id, type, visitor_id, "Visitor " + std::string(visitor_id), text);
  std::string secret(channel == kSmallChannel ? kSmallSecret : integration::kWebSecret);
  if (channel.rfind("web-chat-", 0) == 0) secret = "web-test-secret-" + std::string(channel.substr(9));
  const std::string timestamp = std::to_string(integration::NowUnixSeconds());
  integration::ProviderRequest r;
  r.target = integration::WebhookPath("web", channel);
  r.headers = {{"Content-Type", "application/json"},
               {"X-Routerd-Timestamp", timestamp},
               {"X-Routerd-Signature", integration::WebSignature(secret, timestamp, body)}};
  r.body = std::move(body);
  return r;
}

integration::ProviderRequest WhatsAppText(std::string_view wamid, std::string_view from, std::string_view text) {
  return integration::WhatsAppPost(integration::WhatsAppTextBody(
      {{std::string(from), "Customer " + std::string(from), std::string(wamid), std::string(text)}}));
}

Delivery Deliver(gateway_test::HttpClient& client, const integration::ProviderRequest& request) {
  StatusOr<gateway_test::HttpReply> reply = client.Send(request.method, request.target, request.body, request.headers);
  if (!reply.ok()) return Delivery{0, {}, reply.status().ToString()};
  return Delivery{reply->status, std::move(reply->body), {}};
}

gateway_test::Headers Bearer(std::string_view token) {
  return {{"Authorization", "Bearer " + std::string(token)}};
}

}  // namespace routerd::durability
