// A reload of the configuration file (SIGHUP or the operator route): what
// changed is applied where it can be live, and named where it needs a restart.
#include <algorithm>
#include <optional>

#include <spdlog/spdlog.h>

#include "engine/config/config_diff.h"
#include "engine/config/config_loader.h"
#include "engine/config/queue_changes.h"
#include "engine/config/tenant_changes.h"
#include "engine/config/token_rules.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/stored_settings.h"

namespace routerd::daemon {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

const config::TenantConfig* TenantOfFile(const std::vector<config::TenantConfig>& tenants, std::string_view id) {
  for (const config::TenantConfig& t : tenants) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

}  // namespace

void Daemon::ReloadTokens(const config::TenantConfig& running, const config::TenantConfig& reloaded,
                          ReloadResult& result) {
  // After the agents (ReloadRouting): a token for an agent the tenant does
  // not have (the file's agents wait for a restart when its OUs or queues
  // changed too) waits for the restart that adds the agent.
  const std::shared_ptr<const config::TenantConfig> in_effect = shards_->tenant_configs().Get(running.id);
  std::vector<config::TokenConfig> tokens;
  for (const config::TokenConfig& t : reloaded.tokens) {
    std::optional<std::string> employee;
    if (t.role == config::TokenConfig::Role::kAgent) employee = t.employee_id;
    if (config::CheckTokenSubject(*in_effect, t.role, employee)) {
      result.needs_restart.push_back("tenant '" + running.id + "': token '" + t.name +
                                     "' (its agent waits for a restart)");
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

void Daemon::ReloadRouting(const config::TenantConfig& reloaded, bool restructured, bool file_settings,
                           ReloadResult& result) {
  // Against the queues, OUs and agents in effect, so that a change applied by
  // an earlier reload is not applied (nor counted) again.
  const std::shared_ptr<const config::TenantConfig> running = shards_->tenant_configs().Get(reloaded.id);
  const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(reloaded.id);
  if (!running || !ref) return;
  const std::vector<std::string> remedia = config::QueuesWithOtherMedia(*running, reloaded);
  for (const std::string& id : remedia) {
    result.needs_restart.push_back("tenant '" + reloaded.id + "': skill queue '" + id +
                                   "' media (and with it the tenant's OUs, skill queues, channels and agents)");
  }
  restructured |= !remedia.empty();
  const config::TenantChanges merged = config::MergeTenantChanges(*running, reloaded, restructured);
  const config::AgentChanges& agents = merged.agents;
  for (const std::string& id : merged.channels.waiting) {
    result.needs_restart.push_back("tenant '" + reloaded.id + "': channel '" + id + "' added");
  }
  // What a restart with this file would give; the caps set at run time keep
  // winning, as at start-up. The OUs and agents first, so that the caps
  // resolve under their new OUs. `reloaded` outlives the task
  // (ApplyMemberChanges waits for it).
  std::function<void(routing::TenantRouter&, std::int64_t)> settings;
  if (file_settings) {
    settings = [&reloaded](routing::TenantRouter& t, std::int64_t now_ns) {
      t.ApplyFileCaps(reloaded, now_ns);
      t.ApplyFileLimits(reloaded);
    };
  }
  const StatusOr<std::size_t> closed = ApplyMemberChanges(*ref, agents, settings);
  if (!closed.ok()) {
    result.needs_restart.push_back("tenant '" + reloaded.id + "': skill queues, OUs, agents, caps and limits (" +
                                   closed.status().message() + ")");
    return;
  }
  result.connections_closed += *closed;
  ++result.tenants_applied;
  result.ous_changed += merged.ous.count();
  result.queues_changed += merged.queues.count();
  result.channels_changed += merged.channels.count();
  result.agents_changed += agents.changed;
}

StatusOr<std::size_t> Daemon::ApplyMemberChanges(const shard::TenantRef& ref, const config::AgentChanges& agents,
                                                 const std::function<void(routing::TenantRouter&, std::int64_t)>& also) {
  const std::uint32_t tenant = ref.tenant;
  // Room for the added agents first, so that no event of theirs is dropped.
  presence_.AddAgents(*agents.tenant);
  agent_gateway_->AddAgents(*agents.tenant);
  // On the tenant's shard, ordered with its contacts and commands. `agents`
  // and `also` outlive the task: RunAndWait waits for a task it started, and
  // one it gave up on never runs.
  bool placed = true;
  const Status applied = shards_->shard(ref.shard).RunAndWait(
      [this, &agents, &also, &placed, tenant](routing::Router& router) {
        routing::TenantRouter& t = router.tenant(tenant);
        const std::int64_t now_ns = clock_.NowNs();
        // New queues and OUs before the agents that join them; removed ones
        // after the agents that leave them.
        t.ApplyQueues(*agents.tenant, now_ns);
        t.ApplyChannels(*agents.tenant, now_ns);
        t.ApplyOus(*agents.tenant, now_ns);
        for (std::uint32_t agent : agents.added) {
          placed &= t.AddAgent(agents.tenant->agents[agent], now_ns) == agent;
        }
        for (std::uint32_t agent : agents.routed) t.ApplyAgentConfig(agent, agents.tenant->agents[agent], now_ns);
        for (std::uint32_t agent : agents.retired) t.RetireAgent(agent, now_ns);
        t.RetireOus(*agents.tenant);
        t.RetireQueues(*agents.tenant);
        if (also) also(t, now_ns);
      },
      shard::kShardTaskStartTimeout);
  if (!applied.ok()) return applied;
  if (!placed) {
    // The router's agents and the configuration's are by the same positions;
    // a mismatch is a bug, not an input: say so loudly.
    spdlog::critical("tenant {}: the router placed an added agent elsewhere than the configuration",
                     agents.tenant->id);
  }
  const std::size_t closed = agent_gateway_->RetireRemovedAgents(*agents.tenant);
  // Readers off the shard (the API, the console, leave allocation, metrics)
  // see the queues, channels, OUs and agents as the router now routes them.
  shards_->PublishTenant(agents.tenant);
  // Webhooks last: what a new channel brings finds the router and the
  // configuration in effect ready for it.
  webhooks_->ApplyTenantChannels(*agents.tenant, ref);
  return closed;
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
  // Skill queues, OUs and agents created, changed or removed through the API
  // win over the file's, as at start-up (stored_settings.h).
  StatusOr<storage::AdministrationState> stored = storage_->administration().Load();
  if (!stored.ok()) {
    result.unavailable = "the stored administration could not be read (" + stored.status().ToString() +
                         "); nothing changed: reload again";
    spdlog::error("reload of {} not done: {}", config_.source_path, result.unavailable);
    return result;
  }
  const AppliedDefinitions defined =
      ApplyStoredDefinitions(*loaded.config, stored->definitions,
                             {adapters_->Kinds(), policies_->Names(), adapters_.get()});
  for (const std::string& line : defined.skipped) spdlog::warn("reload: stored definition skipped: {}", line);
  synced_definitions_ = stored->definitions;
  const config::Config& next = *loaded.config;
  config::FileChanges changes;
  try {
    changes = config::CompareConfigFiles(running_file_.text(), next.source_text);
  } catch (const std::exception& e) {
    // Nothing structural is applied then: every tenant counts as changed.
    changes.needs_restart.push_back(std::string("the file could not be compared: ") + e.what());
    for (const shard::TenantRef& ref : shards_->directory().Tenants()) {
      changes.restructured_tenants.push_back(ref.config->id);
    }
  }
  result.needs_restart = std::move(changes.needs_restart);

  for (const shard::TenantRef& ref : shards_->directory().Tenants()) {
    const config::TenantConfig& running = *ref.config;
    const config::TenantConfig* reloaded = TenantOfFile(next.tenants, running.id);
    if (reloaded == nullptr) continue;  // removed: below
    const bool restructured = std::find(changes.restructured_tenants.begin(), changes.restructured_tenants.end(),
                                        running.id) != changes.restructured_tenants.end();
    ReloadRouting(*reloaded, restructured, /*file_settings=*/true, result);
    ReloadTokens(running, *reloaded, result);
  }
  for (const std::string& id : changes.added_tenants) {
    if (const config::TenantConfig* added = TenantOfFile(next.tenants, id)) AddTenant(*added, next.source_text, *stored, result);
  }
  for (const std::string& id : changes.removed_tenants) {
    if (const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(id)) RetireTenant(*ref, result);
  }
  operator_api_->ReplaceTokens(next.operator_tokens);
  result.operator_tokens = next.operator_tokens.size();
  spdlog::info(
      "reload of {}: file tokens {} added, {} removed ({} agent connections closed); {} operator token(s); "
      "caps and limits of {} tenant(s) as the file sets them; {} skill queue(s), {} channel(s), {} OU(s) and {} "
      "agent(s) changed; {} tenant(s) added, {} removed",
      config_.source_path, result.tokens_added, result.tokens_removed, result.connections_closed,
      result.operator_tokens, result.tenants_applied, result.queues_changed, result.channels_changed,
      result.ous_changed, result.agents_changed, result.tenants_added, result.tenants_removed);
  if (!result.needs_restart.empty()) {
    spdlog::warn("reload of {}: not applied until a restart: {}", config_.source_path, Join(result.needs_restart));
  }
  return result;
}

}  // namespace routerd::daemon
