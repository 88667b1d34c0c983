// An agent, OU or skill queue defined at run time (the provisioning API, and
// what its store keeps): one [[tenants.agents]], [[tenants.ous]] or
// [[tenants.skill_queues]] table as TOML text, read by the configuration
// file's rules (agents_loader.h, ous_loader.h, skill_queues_loader.h), so that
// a file and an API request are held to the same ones.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/config_loader.h"

namespace routerd::config {

// The agent `toml_text` defines, checked against `tenant`'s OUs and skill
// queues; nullopt with `errors` (each "agent '<id>': <key> ...: why") when it
// breaks a rule or is not TOML.
std::optional<AgentConfig> ReadAgentDefinition(std::string_view toml_text, const TenantConfig& tenant,
                                               std::vector<std::string>& errors);

// The OU `toml_text` defines (one [[tenants.ous]] table); nullopt with
// `errors` ("ou '<id>': <key> ...: why") when it breaks a rule or is not
// TOML. Its parent is checked with the tree (OuTreeErrors).
std::optional<OuConfig> ReadOuDefinition(std::string_view toml_text, std::vector<std::string>& errors);

// What is wrong with `tenant`'s OU tree (ous_loader.h: CheckOuTree), each
// error naming its OU; empty when nothing is.
std::vector<std::string> OuTreeErrors(const TenantConfig& tenant);

// The skill queue `toml_text` defines (one [[tenants.skill_queues]] table,
// its strategy one of `strategies`); nullopt with `errors` ("skill_queue
// '<id>': <key> ...: why") when it breaks a rule or is not TOML. Its overflow
// target and required skills are checked with the others (SkillQueueErrors).
std::optional<SkillQueueConfig> ReadSkillQueueDefinition(std::string_view toml_text,
                                                         const std::vector<std::string>& strategies,
                                                         std::vector<std::string>& errors);

// The channel `toml_text` defines (one [[tenants.channels]] table, of a kind
// `schema` registers, into one of `tenant`'s queues), its adapter built;
// nullopt with `errors` ("channel '<id>': <key> ...: why") when it breaks a
// rule or is not TOML.
std::optional<ChannelConfig> ReadChannelDefinition(std::string_view toml_text, const ConfigSchema& schema,
                                                   const TenantConfig& tenant, std::vector<std::string>& errors);

// What is wrong with `tenant`'s skill queues together (retired ones left
// out): overflow targets (overflow_check.h) and required skills no agent
// holds (skills_loader.h); empty when nothing is.
std::vector<std::string> SkillQueueErrors(const TenantConfig& tenant);

// `value` as a TOML basic string, quotes included.
std::string TomlString(std::string_view value);

}  // namespace routerd::config
