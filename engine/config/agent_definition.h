// An agent defined at run time (the provisioning API, and what its store keeps):
// one [[tenants.agents]] table as TOML text, read by the configuration file's
// rules (agents_loader.h), so that a file and an API request are held to the
// same ones.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"

namespace routerd::config {

// The agent `toml_text` defines, checked against `tenant`'s OUs and skill
// queues; nullopt with `errors` (each "agent '<id>': <key> ...: why") when it
// breaks a rule or is not TOML.
std::optional<AgentConfig> ReadAgentDefinition(std::string_view toml_text, const TenantConfig& tenant,
                                               std::vector<std::string>& errors);

// `value` as a TOML basic string, quotes included.
std::string TomlString(std::string_view value);

}  // namespace routerd::config
