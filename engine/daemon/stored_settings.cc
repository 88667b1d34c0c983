#include "engine/daemon/stored_settings.h"

#include <algorithm>

#include "engine/config/agent_definition.h"
#include "engine/config/agents_loader.h"
#include "engine/config/config_loader.h"
#include "engine/config/kind_caps_loader.h"
#include "engine/config/overflow_target.h"

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

std::string ApplyStoredQueue(config::TenantConfig& tenant, const storage::StoredDefinition& stored,
                             const std::vector<std::string>& strategies) {
  config::TenantConfig next = tenant;
  std::vector<config::SkillQueueConfig>& queues = next.skill_queues;
  const auto at = std::find_if(queues.begin(), queues.end(),
                               [&](const config::SkillQueueConfig& q) { return q.id == stored.object_id; });
  if (!stored.definition) {
    if (at == queues.end()) return {};
    for (const config::ChannelConfig& c : next.channels) {
      if (c.skill_queue == stored.object_id) return "channel '" + c.id + "' routes to it";
    }
    for (const config::SkillQueueConfig& q : queues) {
      if (q.on_overflow.kind == config::OverflowTarget::Kind::kQueue && q.on_overflow.queue_id == stored.object_id) {
        return "skill queue '" + q.id + "' overflows into it";
      }
    }
    for (const config::AgentConfig& a : next.agents) {
      if (std::find(a.skill_queues.begin(), a.skill_queues.end(), stored.object_id) != a.skill_queues.end()) {
        return "agent '" + a.employee_id + "' serves it";
      }
    }
    queues.erase(at);
    tenant.skill_queues = std::move(queues);
    return {};
  }
  std::vector<std::string> errors;
  std::optional<config::SkillQueueConfig> queue =
      config::ReadSkillQueueDefinition(*stored.definition, strategies, errors);
  if (!queue) return errors.empty() ? "unreadable" : errors.front();
  if (queue->id != stored.object_id) return "its definition names another id";
  if (at != queues.end()) {
    // Agents and channels of the file serve it by its media.
    if (at->media != queue->media) {
      for (const config::ChannelConfig& c : next.channels) {
        if (c.skill_queue == queue->id) return "channel '" + c.id + "' brings multimedia sessions to it";
      }
      for (const config::AgentConfig& a : next.agents) {
        const bool serves = std::find(a.skill_queues.begin(), a.skill_queues.end(), queue->id) != a.skill_queues.end();
        if (serves && !config::AgentServesMedia(a.type, queue->media)) {
          return "agent '" + a.employee_id + "' of the file cannot serve a " +
                 std::string(config::QueueMediaName(queue->media)) + " queue";
        }
      }
    }
    *at = std::move(*queue);
  } else {
    queues.push_back(std::move(*queue));
  }
  errors = config::SkillQueueErrors(next);
  if (!errors.empty()) return errors.front();
  tenant.skill_queues = std::move(next.skill_queues);
  return {};
}

std::string ApplyStoredChannel(config::Config& config, config::TenantConfig& tenant,
                               const storage::StoredDefinition& stored, const config::ConfigSchema& schema) {
  std::vector<config::ChannelConfig>& channels = tenant.channels;
  const auto at = std::find_if(channels.begin(), channels.end(),
                               [&](const config::ChannelConfig& c) { return c.id == stored.object_id; });
  if (!stored.definition) {
    if (at != channels.end()) channels.erase(at);
    return {};
  }
  std::vector<std::string> errors;
  std::optional<config::ChannelConfig> channel = config::ReadChannelDefinition(*stored.definition, schema, tenant, errors);
  if (!channel) return errors.empty() ? "unreadable" : errors.front();
  if (channel->id != stored.object_id) return "its definition names another id";
  for (const config::TenantConfig& other : config.tenants) {
    if (&other == &tenant) continue;
    for (const config::ChannelConfig& c : other.channels) {
      if (c.id == channel->id) return "channel id '" + c.id + "' is tenant '" + other.id + "''s";
    }
  }
  if (at != channels.end()) {
    *at = std::move(*channel);
  } else {
    channels.push_back(std::move(*channel));
  }
  return {};
}

AppliedDefinitions ApplyStoredDefinitions(config::Config& config,
                                          const std::vector<storage::StoredDefinition>& definitions,
                                          const DefinitionRules& rules) {
  AppliedDefinitions applied;
  using Kind = storage::DefinitionKind;
  // One stored change to its tenant; why it did not apply, else empty.
  auto apply_one = [&](const storage::StoredDefinition& d) -> std::string {
    config::TenantConfig* tenant = FindById(config.tenants, d.tenant_id, &config::TenantConfig::id);
    if (tenant == nullptr) return "the configuration no longer has its tenant";
    switch (d.kind) {
      case Kind::kOu: return ApplyStoredOu(*tenant, d, rules.known_kinds);
      case Kind::kSkillQueue: return ApplyStoredQueue(*tenant, d, rules.strategies);
      case Kind::kChannel:
        if (rules.adapters == nullptr) return "no channel kinds to check it against";
        return ApplyStoredChannel(config, *tenant, d, config::ConfigSchema{rules.adapters, rules.strategies});
      case Kind::kAgent: break;
    }
    return ApplyStoredAgent(*tenant, d);
  };
  auto count = [&applied](Kind kind) -> int& {
    switch (kind) {
      case Kind::kOu: return applied.ous;
      case Kind::kSkillQueue: return applied.queues;
      case Kind::kChannel: return applied.channels;
      case Kind::kAgent: break;
    }
    return applied.agents;
  };
  auto apply = [&](const storage::StoredDefinition& d) {
    const std::string why = apply_one(d);
    if (why.empty()) {
      ++count(d.kind);
    } else {
      static constexpr std::string_view kNouns[] = {"agent ", "OU ", "skill queue ", "channel "};
      applied.skipped.push_back(std::string(kNouns[static_cast<int>(d.kind)]) + d.tenant_id + "/" + d.object_id +
                                " as " + d.set_by + " " + (d.definition ? "defined" : "removed") + " it: " + why);
    }
  };
  // A queue may overflow into one stored after it, and an OU be under one
  // stored after it (its parent changed later): each pass applies those whose
  // target or parent is there, until a pass applies none.
  auto apply_in_passes = [&](Kind kind) {
    std::vector<const storage::StoredDefinition*> pending;
    for (const storage::StoredDefinition& d : definitions) {
      if (d.kind == kind && d.definition) pending.push_back(&d);
    }
    for (bool progress = true; progress && !pending.empty();) {
      progress = false;
      std::erase_if(pending, [&](const storage::StoredDefinition* d) {
        if (!apply_one(*d).empty()) return false;
        ++count(kind);
        progress = true;
        return true;
      });
    }
    for (const storage::StoredDefinition* d : pending) apply(*d);  // each skipped, saying why
  };
  // Queues and OUs before the agents in them; their removals after the
  // agents may have left them.
  apply_in_passes(Kind::kSkillQueue);
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kChannel) apply(d);
  }
  apply_in_passes(Kind::kOu);
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kAgent) apply(d);
  }
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kOu && !d.definition) apply(d);
  }
  for (const storage::StoredDefinition& d : definitions) {
    if (d.kind == Kind::kSkillQueue && !d.definition) apply(d);
  }
  return applied;
}

}  // namespace routerd::daemon
