#include "engine/daemon/stored_settings.h"

#include <algorithm>

#include "engine/config/agent_definition.h"
#include "engine/config/agents_loader.h"
#include "engine/config/kind_caps_loader.h"

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

std::string ApplyStoredAgent(config::TenantConfig& tenant, const storage::StoredDefinition& stored) {
  std::vector<config::AgentConfig>& agents = tenant.agents;
  const auto at = std::find_if(agents.begin(), agents.end(),
                               [&](const config::AgentConfig& a) { return a.employee_id == stored.object_id; });
  if (!stored.definition) {
    if (at != agents.end()) agents.erase(at);
    // The file's tokens for it would act for nobody.
    std::erase_if(tenant.tokens, [&](const config::TokenConfig& t) {
      return t.role == config::TokenConfig::Role::kAgent && t.employee_id == stored.object_id;
    });
    return {};
  }
  std::vector<std::string> errors;
  std::optional<config::AgentConfig> agent = config::ReadAgentDefinition(*stored.definition, tenant, errors);
  if (!agent) return errors.empty() ? "unreadable" : errors.front();
  if (agent->employee_id != stored.object_id) return "its definition names another employee id";
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

std::string ApplyStoredOu(config::TenantConfig& tenant, const storage::StoredDefinition& stored,
                          const std::vector<std::string>& known_kinds) {
  config::TenantConfig next = tenant;
  std::vector<config::OuConfig>& ous = next.ous;
  const auto at =
      std::find_if(ous.begin(), ous.end(), [&](const config::OuConfig& o) { return o.id == stored.object_id; });
  if (!stored.definition) {
    if (at == ous.end()) return {};
    for (const config::AgentConfig& a : next.agents) {
      if (a.ou == stored.object_id) return "agent '" + a.employee_id + "' is in it";
    }
    for (const config::OuConfig& o : ous) {
      if (o.parent == stored.object_id) return "OU '" + o.id + "' is under it";
    }
    ous.erase(at);
    tenant.ous = std::move(ous);
    return {};
  }
  std::vector<std::string> errors;
  std::optional<config::OuConfig> ou = config::ReadOuDefinition(*stored.definition, errors);
  if (!ou) return errors.empty() ? "unreadable" : errors.front();
  if (ou->id != stored.object_id) return "its definition names another id";
  if (at != ous.end()) {
    *at = std::move(*ou);
  } else {
    ous.push_back(std::move(*ou));
  }
  errors = config::OuTreeErrors(next);
  config::internal::ErrorList kinds("");
  config::CheckKindCaps(next, known_kinds, "tenant", kinds);
  for (std::string& e : kinds.TakeSorted()) errors.push_back(std::move(e));
  if (!errors.empty()) return errors.front();
  tenant.ous = std::move(next.ous);
  return {};
}

AppliedDefinitions ApplyStoredDefinitions(config::Config& config,
                                          const std::vector<storage::StoredDefinition>& definitions,
                                          const std::vector<std::string>& known_kinds) {
  AppliedDefinitions applied;
  auto apply = [&](const storage::StoredDefinition& d) {
    config::TenantConfig* tenant = FindById(config.tenants, d.tenant_id, &config::TenantConfig::id);
    const bool is_ou = d.kind == storage::DefinitionKind::kOu;
    std::string why = "the configuration no longer has its tenant";
    if (tenant != nullptr) why = is_ou ? ApplyStoredOu(*tenant, d, known_kinds) : ApplyStoredAgent(*tenant, d);
    if (why.empty()) {
      ++(is_ou ? applied.ous : applied.agents);
    } else {
      applied.skipped.push_back(std::string(is_ou ? "OU " : "agent ") + d.tenant_id + "/" + d.object_id + " as " +
                                d.set_by + " " + (d.definition ? "defined" : "removed") + " it: " + why);
    }
  };
  using Kind = storage::DefinitionKind;
  // An OU may be under one stored after it (its parent changed later): each
  // pass applies those whose parent is there, until a pass applies none.
  std::vector<const storage::StoredDefinition*> pending;
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kOu && d.definition) pending.push_back(&d);
  }
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    std::erase_if(pending, [&](const storage::StoredDefinition* d) {
      config::TenantConfig* tenant = FindById(config.tenants, d->tenant_id, &config::TenantConfig::id);
      if (tenant == nullptr || !ApplyStoredOu(*tenant, *d, known_kinds).empty()) return false;
      ++applied.ous;
      progress = true;
      return true;
    });
  }
  for (const storage::StoredDefinition* d : pending) apply(*d);  // each skipped, saying why
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kAgent) apply(d);
  }
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kOu && !d.definition) apply(d);
  }
  return applied;
}

}  // namespace routerd::daemon
