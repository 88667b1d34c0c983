// Tenants a reload adds or removes. An added tenant is built as a start-up
// builds one, on its shard, before anything can reach it; a removed one is
// made unreachable and its state dropped, but only once it has no session
// open, so that no conversation is cut off by an edit of the file.
//
// In cluster mode an added tenant starts inactive here and is claimed like
// any other (the instance that wins it routes it; any instance takes it once
// it has been free for a lease). Removing one there still waits for a
// restart of every instance: an instance whose file still has it would claim
// it again.
#include <spdlog/spdlog.h>

#include "engine/daemon/daemon.h"
#include "engine/daemon/session_restore.h"
#include "engine/daemon/stored_settings.h"

namespace routerd::daemon {

std::vector<std::shared_ptr<const config::TenantConfig>> Daemon::TenantsInEffect() const {
  std::vector<std::shared_ptr<const config::TenantConfig>> out;
  for (const shard::TenantRef& ref : shards_->directory().Tenants()) {
    if (std::shared_ptr<const config::TenantConfig> tenant = shards_->tenant_configs().Get(ref.config->id)) {
      out.push_back(std::move(tenant));
    }
  }
  return out;
}

void Daemon::AddTenant(const config::TenantConfig& file, std::string_view file_text,
                       const storage::AdministrationState& stored, ReloadResult& result) {
  const std::string& id = file.id;
  const bool cluster = cluster_ != nullptr;
  if (shards_->directory().Retired(id)) {
    result.needs_restart.push_back("tenant '" + id + "' added again (a reload removed it; its id comes back at a restart)");
    return;
  }
  // As at start-up: the caps set through the API for this tenant id win over
  // the file's (a tenant removed from the file and added back keeps them).
  config::Config one;
  one.tenants.push_back(file);
  std::vector<storage::CapSetting> its_caps;
  for (const storage::CapSetting& c : stored.caps) {
    if (c.tenant_id == id) its_caps.push_back(c);
  }
  const AppliedSettings caps = ApplyStoredCaps(one, its_caps);
  for (const std::string& line : caps.skipped) spdlog::warn("reload: stored setting skipped: {}", line);
  const config::TenantConfig& tenant = added_tenants_.emplace_back(std::move(one.tenants.front()));
  const StatusOr<shard::TenantRef> ref =
      shards_->AddTenant(tenant, /*active=*/!cluster, SessionIdFloor(clock_.WallMs()));
  if (!ref.ok()) {
    result.needs_restart.push_back("tenant '" + id + "' added (not routed yet: " + ref.status().message() +
                                   "; reload again)");
    return;
  }
  // Routed: now where its agents' events, wallboards and calls go, then its
  // webhooks and tokens, which make it reachable; in cluster mode its lease
  // last.
  ownership_->AddTenant(id);
  presence_.AddAgents(tenant);
  agent_gateway_->AddAgents(tenant);
  console_->AddTenant(tenant);
  dialer_->AddTenant(tenant);
  webhooks_->ApplyTenantChannels(tenant, *ref);
  ReloadTokens(tenant, tenant, result);
  std::vector<storage::StoredToken> tokens;
  for (const storage::StoredToken& t : stored.tokens) {
    if (t.tenant_id == id) tokens.push_back(t);
  }
  AddStoredTokens(tokens);
  if (cluster) cluster_->AddTenant(id);
  running_file_.AddTenant(file_text, id);
  ++result.tenants_added;
  spdlog::info("reload: tenant {} added on shard {}: {} agent(s), {} skill queue(s), {} channel(s){}", id, ref->shard,
               tenant.agents.size(), tenant.skill_queues.size(), tenant.channels.size(),
               cluster ? "; routed where its lease is taken" : "");
}

void Daemon::RetireTenant(const shard::TenantRef& ref, ReloadResult& result) {
  const std::string& id = ref.config->id;
  if (config_.cluster.enabled) {
    result.needs_restart.push_back("tenant '" + id + "' removed (in cluster mode, at a restart of every instance)");
    return;
  }
  // Sessions first: a tenant with a conversation open stays as it is.
  std::uint32_t open = 0;
  const Status counted = shards_->shard(ref.shard).RunAndWait(
      [&open, &ref](routing::Router& router) { open = router.tenant(ref.tenant).open_sessions(); },
      shard::kShardTaskStartTimeout);
  if (!counted.ok() || open > 0) {
    result.needs_restart.push_back(
        "tenant '" + id + "' removed: " +
        (counted.ok() ? std::to_string(open) + " session(s) still open; remove its channels, reload, and remove the "
                                               "tenant once they have ended (or restart)"
                      : "its shard did not answer (" + counted.message() + "); reload again"));
    return;
  }
  // Unreachable next: no webhook route, no token, no agent connection (its
  // agents are removed: their connections close with the code that says so).
  const std::shared_ptr<const config::TenantConfig> in_effect = shards_->tenant_configs().Get(id);
  config::TenantConfig closed = *in_effect;
  for (config::ChannelConfig& c : closed.channels) c.retired = true;
  for (config::AgentConfig& a : closed.agents) a.retired = true;
  webhooks_->ApplyTenantChannels(closed, ref);
  const gateway::Authenticator::FileTokenChange files = auth_->ReplaceFileTokens(*ref.config, {});
  std::vector<gateway::Principal> revoked = files.removed;
  for (const gateway::TokenInfo& info : auth_->Tokens(id)) {
    if (std::optional<gateway::Principal> was = auth_->Revoke(id, info.name)) revoked.push_back(*was);
  }
  for (const gateway::Principal& gone : revoked) console_->CloseWallboardsOfToken(id, gone.token_serial);
  result.tokens_removed += files.removed.size();
  result.connections_closed += agent_gateway_->RetireRemovedAgents(closed);
  shards_->RetireTenant(id);
  // Its agents signed out on its router. It stays active there: a contact
  // accepted just before its route went (the journal's commit still pending)
  // opens a session as any other and, with no agent, ends as its queue's
  // rules say (a leave message), so nothing accepted is lost. A session that
  // opened since the count above is left to end by its idle timeout.
  std::uint32_t late = 0;
  const Status reset = shards_->shard(ref.shard).RunAndWait(
      [&ref, &late, floor = SessionIdFloor(clock_.WallMs())](routing::Router& router) {
        routing::TenantRouter& t = router.tenant(ref.tenant);
        late = t.open_sessions();
        if (late != 0) return;
        t.Reset();
        t.FinishRestore(floor);
      },
      shard::kShardTaskStartTimeout);
  if (!reset.ok()) spdlog::warn("reload: tenant {} removed, its agents not signed out: {}", id, reset.message());
  if (late != 0) {
    spdlog::warn("reload: tenant {} removed with {} session(s) opened meanwhile: they end by its idle timeout", id,
                 late);
  }
  running_file_.RemoveTenant(id);
  ++result.tenants_removed;
  spdlog::info("reload: tenant {} removed ({} token(s) revoked)", id, revoked.size());
}

}  // namespace routerd::daemon
