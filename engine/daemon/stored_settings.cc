#include "engine/daemon/stored_settings.h"

#include <algorithm>

#include "engine/config/agent_definition.h"
#include "engine/config/agents_loader.h"

namespace routerd::daemon {
namespace {

template <typename T, typename Id>
T* FindById(std::vector<T>& list, const std::string& id, Id T::*field) {
  auto it = std::find_if(list.begin(), list.end(), [&](const T& x) { return x.*field == id; });
  return it == list.end() ? nullptr : &*it;
}

}  // namespace

AppliedSettings ApplyStoredCaps(config::Config& config, const std::vector<storage::CapSetting>& caps) {
  AppliedSettings applied;
  for (const storage::CapSetting& s : caps) {
    config::TenantConfig* tenant = FindById(config.tenants, s.tenant_id, &config::TenantConfig::id);
    bool found = tenant != nullptr;
    if (found) {
      switch (s.scope) {
        case storage::CapScope::kTenant:
          tenant->runtime_max_concurrent_sessions = s.cap;
          break;
        case storage::CapScope::kOu:
          if (auto* ou = FindById(tenant->ous, s.subject_id, &config::OuConfig::id)) {
            ou->max_concurrent_sessions = s.cap;
            ou->runtime_cap = true;
          } else {
            found = false;
          }
          break;
        case storage::CapScope::kAgent:
          if (auto* agent = FindById(tenant->agents, s.subject_id, &config::AgentConfig::employee_id)) {
            agent->max_concurrent_sessions = s.cap;
            agent->runtime_cap = true;
            agent->personal_cap = s.cap.has_value() && s.personal;
          } else {
            found = false;
          }
          break;
      }
    }
    if (found) {
      ++applied.caps;
    } else {
      applied.skipped.push_back("the " + std::string(storage::CapScopeName(s.scope)) + " cap of " + s.tenant_id +
                                (s.subject_id.empty() ? "" : "/" + s.subject_id) + " set by " + s.set_by +
                                ": the configuration no longer has it");
    }
  }
  return applied;
}

std::string ApplyStoredAgent(config::TenantConfig& tenant, const storage::StoredAgent& stored) {
  std::vector<config::AgentConfig>& agents = tenant.agents;
  const auto at = std::find_if(agents.begin(), agents.end(),
                               [&](const config::AgentConfig& a) { return a.employee_id == stored.employee_id; });
  if (!stored.definition) {
    if (at != agents.end()) agents.erase(at);
    // The file's tokens for it would act for nobody.
    std::erase_if(tenant.tokens, [&](const config::TokenConfig& t) {
      return t.role == config::TokenConfig::Role::kAgent && t.employee_id == stored.employee_id;
    });
    return {};
  }
  std::vector<std::string> errors;
  std::optional<config::AgentConfig> agent = config::ReadAgentDefinition(*stored.definition, tenant, errors);
  if (!agent) return errors.empty() ? "unreadable" : errors.front();
  if (agent->employee_id != stored.employee_id) return "its definition names another employee id";
  if (std::optional<config::AgentIdentities::Conflict> c = config::IdentityConflict(agents, *agent)) {
    return std::string(c->key) + " is agent '" + c->holder + "''s";
  }
  if (at != agents.end()) {
    *at = std::move(*agent);
  } else {
    agents.push_back(std::move(*agent));
  }
  return {};
}

AppliedAgents ApplyStoredAgents(config::Config& config, const std::vector<storage::StoredAgent>& agents) {
  AppliedAgents applied;
  for (const storage::StoredAgent& a : agents) {
    config::TenantConfig* tenant = FindById(config.tenants, a.tenant_id, &config::TenantConfig::id);
    const std::string why =
        tenant == nullptr ? "the configuration no longer has its tenant" : ApplyStoredAgent(*tenant, a);
    if (why.empty()) {
      ++applied.agents;
    } else {
      applied.skipped.push_back("agent " + a.tenant_id + "/" + a.employee_id + " as " + a.set_by + " " +
                                (a.definition ? "defined" : "removed") + " it: " + why);
    }
  }
  return applied;
}

}  // namespace routerd::daemon
