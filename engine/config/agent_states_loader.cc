#include "engine/config/agent_states_loader.h"

#include <algorithm>

#include "engine/config/id_rules.h"

namespace routerd::config {

void LoadAgentStatesTable(const toml::table& table, const std::string& path, TenantConfig& tenant,
                          internal::ErrorList& errors) {
  internal::TableReader r(table, path + ".agent_states", errors);
  auto reasons = r.StringArray("not_ready_reasons", internal::Presence::kOptional);
  r.ReportUnknownKeys();
  if (!reasons) return;
  std::vector<std::string> valid;
  bool ok = true;
  for (const auto& item : *reasons) {
    if (!IsPlainId(item.value)) {
      errors.Add(item.line, r.where(),
                 "not_ready_reasons: \"" + item.value + "\" is not a valid reason (allowed: 1.." +
                     std::to_string(kMaxIdLength) + " of " + std::string(kPlainIdChars) + ")");
      ok = false;
    } else if (std::find(valid.begin(), valid.end(), item.value) != valid.end()) {
      errors.Add(item.line, r.where(), "not_ready_reasons lists \"" + item.value + "\" twice");
      ok = false;
    } else {
      valid.push_back(item.value);
    }
  }
  if (reasons->size() > static_cast<std::size_t>(kMaxNotReadyReasons)) {
    r.Error("not_ready_reasons", "not_ready_reasons has " + std::to_string(reasons->size()) +
                                     " reasons (allowed: at most " + std::to_string(kMaxNotReadyReasons) + ")");
    ok = false;
  }
  if (ok) tenant.not_ready_reasons = std::move(valid);
}

}  // namespace routerd::config
