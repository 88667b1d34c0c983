// The [[tenants.agents]] tables: each agent's employee id, OU, type, skill
// queues (of a media its type serves), cap, business account and skills.
// Errors (file:line: key: why) go to the loader's list.
//
// The rules for one agent (ReadAgentTable) and for the agents of a tenant
// together (AgentIdentities: one agent per employee id and per business
// account) serve the configuration file and the provisioning API alike.
//
// Thread safety: pure functions of their arguments; an AgentIdentities is
// one caller's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// `path` locates the tenant ("tenants[0]"); its OUs and skill queues are
// loaded already (agents refer to both).
void LoadAgentTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     internal::ErrorList& errors);

// One agent's table, checked against `tenant`'s OUs and skill queues; nullopt
// when it has an error (each one added to `errors`, located at `path`).
std::optional<AgentConfig> ReadAgentTable(const toml::table& table, const std::string& path,
                                          const TenantConfig& tenant, internal::ErrorList& errors);

// The employee ids and business accounts taken by a tenant's agents.
class AgentIdentities {
 public:
  struct Conflict {
    std::string_view key;  // "employee_id" or "business_account"
    std::string holder;    // who has it: the agent's line in a file, or its employee id
  };
  // The agent takes its id and account, each held in the name of a holder
  // (what a conflict names), unless one is taken: then it takes nothing.
  std::optional<Conflict> Claim(const AgentConfig& agent, std::string id_holder, std::string account_holder);

 private:
  std::map<std::string, std::string, std::less<>> ids_, accounts_;
};

// Whether `agent` may join `agents` (a run-time definition): its business
// account is no other agent's (retired ones and its own former self left
// out); the conflict's holder is the other agent's employee id.
std::optional<AgentIdentities::Conflict> IdentityConflict(const std::vector<AgentConfig>& agents,
                                                          const AgentConfig& agent);

}  // namespace routerd::config
