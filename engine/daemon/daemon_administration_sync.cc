// Cluster mode: run-time administration stored through other instances comes
// here too. A tenant's provisioning changes are made on its owner (the API
// sends every tenant request there); each other instance applies them over
// the tenant as it has it, so that whichever takes the tenant over next routes
// by them. API tokens created or revoked elsewhere follow the same way.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "engine/base/log_limiter.h"
#include "engine/config/tenant_changes.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/stored_settings.h"

namespace routerd::daemon {

void Daemon::SyncStoredAdministration() {
  // On the reload thread, in turn with reloads and provisioning; one waiting
  // at a time however slow the database is.
  if (sync_queued_.exchange(true)) return;
  reloads_->Post(
      [this] {
        sync_queued_.store(false);
        StatusOr<storage::AdministrationState> state = storage_->administration().Load();
        if (!state.ok()) {
          static LogLimiter limiter(std::chrono::seconds(60));
          if (limiter.Allow()) {
            spdlog::warn("cluster: stored administration not read: {}", state.status().ToString());
          }
          return;
        }
        // Definitions first: a token may be for an agent they add.
        ApplySyncedDefinitions(state->definitions);
        SyncStoredTokens(state->tokens);
      },
      [this] { sync_queued_.store(false); });
}

void Daemon::ApplySyncedDefinitions(const std::vector<storage::StoredDefinition>& definitions) {
  std::lock_guard lock(reload_mu_);
  if (definitions == synced_definitions_) return;
  // Over the tenants in effect, not over the file: a file change that waits
  // for a restart (or for a reload here) stays out, as it would without this.
  // Applying every stored definition again is idempotent for those already
  // in effect.
  config::Config desired = config_;
  desired.tenants.clear();
  for (const std::shared_ptr<const config::TenantConfig>& live : TenantsInEffect()) {
    desired.tenants.push_back(config::WithoutRetired(*live));
  }
  ApplyStoredDefinitions(desired, definitions, {adapters_->Kinds(), policies_->Names(), adapters_.get()});
  // Only the tenants a definition came to, changed or left since the last
  // read go to their shards.
  std::set<std::string_view> touched;
  for (const storage::StoredDefinition& d : definitions) {
    if (std::find(synced_definitions_.begin(), synced_definitions_.end(), d) == synced_definitions_.end()) {
      touched.insert(d.tenant_id);
    }
  }
  for (const storage::StoredDefinition& d : synced_definitions_) {
    if (std::find(definitions.begin(), definitions.end(), d) == definitions.end()) touched.insert(d.tenant_id);
  }
  ReloadResult result;
  std::size_t attempted = 0;
  for (const config::TenantConfig& tenant : desired.tenants) {
    if (!touched.count(tenant.id)) continue;
    ++attempted;
    ReloadRouting(tenant, /*restructured=*/false, /*file_settings=*/false, result);
  }
  // A tenant whose shard did not take the change (it is stopping, or stuck)
  // gets it again at the next read.
  if (result.tenants_applied == attempted) synced_definitions_ = definitions;
  // The owner's own changes come back too, and change nothing here.
  if (result.queues_changed + result.channels_changed + result.ous_changed + result.agents_changed == 0 &&
      result.needs_restart.empty()) {
    return;
  }
  spdlog::info("cluster: stored administration applied: {} skill queue(s), {} channel(s), {} OU(s) and {} agent(s) "
               "changed, {} agent connection(s) closed",
               result.queues_changed, result.channels_changed, result.ous_changed, result.agents_changed,
               result.connections_closed);
  for (const std::string& line : result.needs_restart) {
    spdlog::warn("cluster: stored administration not applied until a restart: {}", line);
  }
}

// New tokens are added (Add ignores a digest already known); API tokens no
// longer stored as active were revoked elsewhere: removed here too, and their
// connections closed as a revocation here would.
void Daemon::SyncStoredTokens(const std::vector<storage::StoredToken>& tokens) {
  AddStoredTokens(tokens, false);
  std::set<std::pair<std::string_view, std::string_view>> active;
  for (const storage::StoredToken& t : tokens) active.emplace(t.tenant_id, t.name);
  for (const shard::TenantRef& ref : shards_->directory().Tenants()) {
    const std::string& tenant = ref.config->id;
    for (const gateway::TokenInfo& info : auth_->Tokens(tenant)) {
      if (!info.from_api || active.count({tenant, info.name})) continue;
      if (std::optional<gateway::Principal> was = auth_->Revoke(tenant, info.name)) {
        agent_gateway_->CloseConnectionsOfToken(tenant, was->token_serial);
        console_->CloseWallboardsOfToken(tenant, was->token_serial);
        spdlog::info("API token '{}' of tenant {} revoked on another instance: removed here", info.name, tenant);
      }
    }
  }
}

}  // namespace routerd::daemon
