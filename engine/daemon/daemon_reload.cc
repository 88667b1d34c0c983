// A reload of the configuration file (SIGHUP or the operator route): what
// changed is applied where it can be live, and named where it needs a restart.
#include <optional>

#include <spdlog/spdlog.h>

#include "engine/config/config_diff.h"
#include "engine/config/config_loader.h"
#include "engine/config/token_rules.h"
#include "engine/daemon/daemon.h"

namespace routerd::daemon {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

void Daemon::ReloadTokens(const config::TenantConfig& running, const config::TenantConfig& reloaded,
                          ReloadResult& result) {
  // A token for an agent the running configuration does not have yet waits
  // for the restart that adds the agent.
  std::vector<config::TokenConfig> tokens;
  for (const config::TokenConfig& t : reloaded.tokens) {
    std::optional<std::string> employee;
    if (t.role == config::TokenConfig::Role::kAgent) employee = t.employee_id;
    if (config::CheckTokenSubject(running, t.role, employee)) {
      result.needs_restart.push_back("tenant '" + running.id + "': token '" + t.name + "' (its agent is new)");
      continue;
    }
    tokens.push_back(t);
  }
  gateway::Authenticator::FileTokenChange change = auth_->ReplaceFileTokens(running, tokens);
  result.tokens_added += change.added;
  result.tokens_removed += change.removed.size();
  for (const gateway::Principal& gone : change.removed) {
    result.connections_closed += agent_gateway_->CloseConnectionsOfToken(running.id, gone.token_serial);
    console_->CloseWallboardsOfToken(running.id, gone.token_serial);
  }
}

void Daemon::ReloadCapsAndLimits(const std::string& tenant_id, const config::TenantConfig& reloaded,
                                 ReloadResult& result) {
  // On the tenant's shard, ordered with its contacts and commands: what a
  // restart with this file would give; the caps set at run time keep
  // winning, as at start-up.
  const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(tenant_id);
  if (!ref) return;
  const std::uint32_t tenant = ref->tenant;
  // `reloaded` outlives the task: RunAndWait waits for a task it started,
  // and one it gave up on never runs.
  const Status applied = shards_->shard(ref->shard).RunAndWait(
      [this, &reloaded, tenant](routing::Router& router) {
        router.tenant(tenant).ApplyFileCaps(reloaded, clock_.NowNs());
        router.tenant(tenant).ApplyFileLimits(reloaded);
      },
      shard::kShardTaskStartTimeout);
  if (applied.ok()) {
    ++result.tenants_applied;
  } else {
    result.needs_restart.push_back("tenant '" + tenant_id + "': caps and limits (" + applied.message() + ")");
  }
}

Daemon::ReloadResult Daemon::Reload() {
  std::lock_guard lock(reload_mu_);
  ReloadResult result;
  const config::ConfigSchema schema{adapters_.get(), policies_->Names()};
  config::LoadResult loaded = config::LoadConfigFile(config_.source_path, schema);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors) spdlog::error("reload: {}", e);
    spdlog::error("reload of {} refused: {} error(s); nothing changed", config_.source_path, loaded.errors.size());
    result.errors = std::move(loaded.errors);
    return result;
  }
  const config::Config& next = *loaded.config;
  try {
    result.needs_restart = config::ChangedPartsBesideTokens(config_.source_text, next.source_text);
  } catch (const std::exception& e) {
    result.needs_restart.push_back(std::string("the file could not be compared: ") + e.what());
  }

  for (const config::TenantConfig& running : config_.tenants) {
    const config::TenantConfig* reloaded = nullptr;
    for (const config::TenantConfig& t : next.tenants) {
      if (t.id == running.id) reloaded = &t;
    }
    if (reloaded == nullptr) continue;  // removed: listed as needing a restart
    ReloadTokens(running, *reloaded, result);
    ReloadCapsAndLimits(running.id, *reloaded, result);
  }
  operator_api_->ReplaceTokens(next.operator_tokens);
  result.operator_tokens = next.operator_tokens.size();
  spdlog::info(
      "reload of {}: file tokens {} added, {} removed ({} agent connections closed); {} operator token(s); "
      "caps and limits of {} tenant(s) as the file sets them",
      config_.source_path, result.tokens_added, result.tokens_removed, result.connections_closed,
      result.operator_tokens, result.tenants_applied);
  if (!result.needs_restart.empty()) {
    spdlog::warn("reload of {}: not applied until a restart: {}", config_.source_path, Join(result.needs_restart));
  }
  return result;
}

}  // namespace routerd::daemon
