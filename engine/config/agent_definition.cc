#include "engine/config/agent_definition.h"

#include <cstdio>

#include <toml++/toml.h>

#include "engine/config/agents_loader.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

std::optional<AgentConfig> ReadAgentDefinition(std::string_view toml_text, const TenantConfig& tenant,
                                               std::vector<std::string>& errors) {
  toml::table table;
  try {
    table = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    errors.push_back("not a TOML table: " + std::string(e.description()));
    return std::nullopt;
  }
  internal::ErrorList list("");
  std::optional<AgentConfig> agent = ReadAgentTable(table, "agent", tenant, list);
  for (std::string& e : list.TakeSorted()) errors.push_back(std::move(e));
  return agent;
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
