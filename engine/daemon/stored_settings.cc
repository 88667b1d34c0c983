#include "engine/daemon/stored_settings.h"

#include <algorithm>

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

}  // namespace routerd::daemon
