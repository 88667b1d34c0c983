#include "engine/config/agent_definition.h"

#include <cstdio>

#include <toml++/toml.h>

#include "engine/config/agents_loader.h"
#include "engine/config/channels_loader.h"
#include "engine/config/ous_loader.h"
#include "engine/config/overflow_check.h"
#include "engine/config/skill_queues_loader.h"
#include "engine/config/skills_loader.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

namespace {

// `toml_text` as a table; nullopt with the error when it is not TOML.
std::optional<toml::table> ParseDefinition(std::string_view toml_text, std::vector<std::string>& errors) {
  try {
    return toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    errors.push_back("not a TOML table: " + std::string(e.description()));
    return std::nullopt;
  }
}

}  // namespace

std::optional<AgentConfig> ReadAgentDefinition(std::string_view toml_text, const TenantConfig& tenant,
                                               std::vector<std::string>& errors) {
  const std::optional<toml::table> table = ParseDefinition(toml_text, errors);
  if (!table) return std::nullopt;
  internal::ErrorList list("");
  std::optional<AgentConfig> agent = ReadAgentTable(*table, "agent", tenant, list);
  for (std::string& e : list.TakeSorted()) errors.push_back(std::move(e));
  return agent;
}

std::optional<OuConfig> ReadOuDefinition(std::string_view toml_text, std::vector<std::string>& errors) {
  const std::optional<toml::table> table = ParseDefinition(toml_text, errors);
  if (!table) return std::nullopt;
  internal::ErrorList list("");
  std::optional<OuConfig> ou = ReadOuTable(*table, "ou", list);
  if (!list.empty()) ou.reset();
  for (std::string& e : list.TakeSorted()) errors.push_back(std::move(e));
  return ou;
}

std::vector<std::string> OuTreeErrors(const TenantConfig& tenant) {
  std::vector<OuLocation> locations;
  for (const OuConfig& ou : tenant.ous) locations.push_back({"ou '" + ou.id + "'", 0});
  internal::ErrorList list("");
  CheckOuTree(tenant, locations, list);
  return list.TakeSorted();
}

std::optional<SkillQueueConfig> ReadSkillQueueDefinition(std::string_view toml_text,
                                                         const std::vector<std::string>& strategies,
                                                         std::vector<std::string>& errors) {
  const std::optional<toml::table> table = ParseDefinition(toml_text, errors);
  if (!table) return std::nullopt;
  internal::ErrorList list("");
  std::optional<SkillQueueConfig> queue = ReadSkillQueueTable(*table, "skill_queue", strategies, list);
  if (!list.empty()) queue.reset();
  for (std::string& e : list.TakeSorted()) errors.push_back(std::move(e));
  return queue;
}

std::optional<ChannelConfig> ReadChannelDefinition(std::string_view toml_text, const ConfigSchema& schema,
                                                   const TenantConfig& tenant, std::vector<std::string>& errors) {
  const std::optional<toml::table> table = ParseDefinition(toml_text, errors);
  if (!table) return std::nullopt;
  internal::ErrorList list("");
  std::optional<ChannelConfig> channel = ReadChannelTable(*table, "channel", schema, tenant, list);
  if (!list.empty()) channel.reset();
  for (std::string& e : list.TakeSorted()) errors.push_back(std::move(e));
  return channel;
}

std::vector<std::string> SkillQueueErrors(const TenantConfig& tenant) {
  TenantConfig live = tenant;
  std::erase_if(live.skill_queues, [](const SkillQueueConfig& q) { return q.retired; });
  std::erase_if(live.agents, [](const AgentConfig& a) { return a.retired; });
  std::vector<QueueInfo> infos;
  for (const SkillQueueConfig& q : live.skill_queues) infos.push_back({"skill_queue '" + q.id + "'", 0});
  internal::ErrorList list("");
  CheckOverflowTargets(live, infos, list);
  CheckRequiredSkillsHeld(live, "tenant", list);
  return list.TakeSorted();
}

std::string TomlString(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04X", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace routerd::config
