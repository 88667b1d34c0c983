// Stored settings: the run-time administration kept by storage
// (storage/administration.h), applied over the configuration file at start-up.
//
// The rule: a cap set through the API wins over the file's value for the same
// agent, OU or tenant, because it is the administrator's latest decision; a
// cap cleared through the API stays cleared (an agent or OU then has no cap of
// its own, the tenant has the file's). To give the file's value back, clear or
// set the cap through the API again. A setting whose agent or OU the file no
// longer has is skipped and reported. Tokens created through the API are
// valid alongside the file's tokens until revoked.
//
// Agents created, changed or removed through the API win over the file's
// agent of the same employee id, for the same reason: the stored definition
// replaces it (or adds the agent), a stored removal removes it (with the
// file's tokens for it). A definition that no longer fits the file (its OU
// or a queue is gone, its business account is another agent's) is skipped
// and reported, and stays stored.
//
// Thread safety: a plain function, at start-up.
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/storage/administration.h"

namespace routerd::daemon {

struct AppliedSettings {
  int caps = 0;                      // settings applied
  std::vector<std::string> skipped;  // one line per setting whose subject is gone
};

// Applies `caps` to `config` (agents' and OUs' max_concurrent_sessions, the
// tenants' runtime_max_concurrent_sessions).
AppliedSettings ApplyStoredCaps(config::Config& config, const std::vector<storage::CapSetting>& caps);

struct AppliedAgents {
  int agents = 0;                    // definitions and removals applied
  std::vector<std::string> skipped;  // one line per definition that no longer fits
};

// Applies `agents` (oldest first) to `config`'s agents. Before ApplyStoredCaps:
// caps name agents.
AppliedAgents ApplyStoredAgents(config::Config& config, const std::vector<storage::StoredAgent>& agents);

// Applies one stored agent to `tenant`; an empty string when it applied, else why not.
std::string ApplyStoredAgent(config::TenantConfig& tenant, const storage::StoredAgent& agent);

}  // namespace routerd::daemon
