#include "engine/config/personal_settings_loader.h"

namespace routerd::config {

void LoadPersonalSettingsTable(const toml::table& table, const std::string& path, PersonalSettings& settings,
                               internal::ErrorList& errors) {
  internal::TableReader r(table, path + ".personal_settings", errors);
  settings.line = r.line();
  if (auto allowed = r.Bool("agent_sets_cap", internal::Presence::kOptional)) settings.agent_sets_cap = *allowed;
  r.IntInto("agent_cap_min", kMinCap, kMaxCap, settings.agent_cap_min);
  r.IntInto("agent_cap_max", kMinCap, kMaxCap, settings.agent_cap_max);
  r.ReportUnknownKeys();
  if (settings.agent_cap_min > settings.agent_cap_max) {
    r.Error("agent_cap_max", "agent_cap_max = " + std::to_string(settings.agent_cap_max) +
                                 " is below agent_cap_min = " + std::to_string(settings.agent_cap_min));
  }
}

}  // namespace routerd::config
