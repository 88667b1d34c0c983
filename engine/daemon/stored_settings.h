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
// Agents, OUs, skill queues and channels created, changed or removed through
// the API win over the file's agent of the same employee id, OU, queue or
// channel of the same id, for the same
// reason: the stored definition replaces it (or adds it), a stored removal
// removes it (an agent with the file's tokens for it). A definition that no
// longer fits the file (an agent's OU or a queue is gone, its business
// account is another agent's; an OU's parent is gone, or agents of the file
// are in an OU removed) is skipped and reported, and stays stored.
//
// Thread safety: a plain function, at start-up.
#pragma once

#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/config_loader.h"
#include "engine/storage/administration.h"

namespace routerd::daemon {

struct AppliedSettings {
  int caps = 0;                      // settings applied
  std::vector<std::string> skipped;  // one line per setting whose subject is gone
};

// Applies `caps` to `config` (agents' and OUs' max_concurrent_sessions, the
// tenants' runtime_max_concurrent_sessions).
AppliedSettings ApplyStoredCaps(config::Config& config, const std::vector<storage::CapSetting>& caps);

struct AppliedDefinitions {
  int queues = 0;                    // skill queue definitions and removals applied
  int channels = 0;                  // channel definitions and removals applied
  int ous = 0;                       // OU definitions and removals applied
  int agents = 0;                    // agent definitions and removals applied
  std::vector<std::string> skipped;  // one line per definition that no longer fits
};

// What a stored definition is checked against beside the file.
struct DefinitionRules {
  std::vector<std::string> known_kinds;  // the registered channel kinds, for caps per kind
  std::vector<std::string> strategies;   // the assignment strategies, for a queue's
  const AdapterRegistry* adapters = nullptr;  // a channel's kinds; channels are skipped without it
};

// Applies `definitions` (oldest first) to `config`'s skill queues, channels,
// OUs and agents: the queues first, then the channels into them and the OUs,
// then the agents (which may be in them), then the OU and queue removals
// (once their agents and channels may have moved out). Before
// ApplyStoredCaps: caps name OUs and agents.
AppliedDefinitions ApplyStoredDefinitions(config::Config& config,
                                          const std::vector<storage::StoredDefinition>& definitions,
                                          const DefinitionRules& rules);

// Applies one stored agent definition to `tenant`; an empty string when it
// applied, else why not.
std::string ApplyStoredAgent(config::TenantConfig& tenant, const storage::StoredDefinition& agent);

// The same for an OU: a definition replaces or adds it unless the tree or its
// caps would break a rule; a removal removes it unless an agent or an OU is
// in it.
std::string ApplyStoredOu(config::TenantConfig& tenant, const storage::StoredDefinition& ou,
                          const std::vector<std::string>& known_kinds);

// The same for a channel: a definition replaces or adds it (its adapter built
// anew) unless it breaks a rule (its queue is gone, its kind is not
// registered, its id is another tenant's); a removal removes it.
std::string ApplyStoredChannel(config::Config& config, config::TenantConfig& tenant,
                               const storage::StoredDefinition& channel, const config::ConfigSchema& schema);

// The same for a skill queue: a definition replaces or adds it unless the
// queues' overflow or required skills, or the media its file agents serve,
// would break a rule; a removal removes it unless a channel routes to it, a
// queue overflows into it or an agent serves it.
std::string ApplyStoredQueue(config::TenantConfig& tenant, const storage::StoredDefinition& queue,
                             const std::vector<std::string>& strategies);

}  // namespace routerd::daemon
