#include "engine/config/ous_loader.h"

#include <algorithm>
#include <map>

#include "engine/config/kind_caps_loader.h"
#include "engine/config/successor_cycles.h"

namespace routerd::config {

using internal::ErrorList;
using internal::KnownList;
using internal::Presence;
using internal::Quote;
using internal::ReadPlainId;
using internal::TableReader;

std::optional<OuConfig> ReadOuTable(const toml::table& table, const std::string& path, ErrorList& errors) {
  TableReader r(table, path, errors);
  OuConfig ou;
  ou.line = r.line();
  std::optional<std::string> id = ReadPlainId(r, "id");
  if (id) r.set_label(*id);
  if (auto parent = r.String("parent", Presence::kOptional)) ou.parent = *parent;
  if (auto cap = r.Int("max_concurrent_sessions", kMinCap, kMaxCap, Presence::kOptional)) {
    ou.max_concurrent_sessions = static_cast<int>(*cap);
  }
  ou.kind_caps = ReadKindCaps(r, errors);
  r.ReportUnknownKeys();
  if (!id) return std::nullopt;
  ou.id = *id;
  return ou;
}

void LoadOuTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                  ErrorList& errors) {
  std::vector<OuLocation> locations;
  std::map<std::string, int, std::less<>> seen;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    const std::string at = path + ".ous[" + std::to_string(i) + "]";
    std::optional<OuConfig> ou = ReadOuTable(*tables[i], at, errors);
    if (!ou) continue;
    TableReader r(*tables[i], at, errors);
    r.set_label(ou->id);
    auto [it, inserted] = seen.emplace(ou->id, r.KeyLine("id"));
    if (!inserted) {
      r.Error("id", "duplicate OU id '" + ou->id + "' (first defined at line " + std::to_string(it->second) + ")");
      continue;
    }
    locations.push_back({r.where(), r.KeyLine("parent")});
    tenant.ous.push_back(std::move(*ou));
  }
  CheckOuTree(tenant, locations, errors);
}

void CheckOuTree(const TenantConfig& tenant, const std::vector<OuLocation>& locations, ErrorList& errors) {
  std::vector<std::string> ids;
  std::map<std::string_view, std::size_t> index;
  for (const OuConfig& ou : tenant.ous) {
    if (!ou.retired) index.emplace(ou.id, ids.size());
    ids.push_back(ou.id);
  }
  std::vector<std::string> known;
  for (const OuConfig& ou : tenant.ous) {
    if (!ou.retired) known.push_back(ou.id);
  }
  std::vector<long> parent(tenant.ous.size(), -1);
  for (std::size_t i = 0; i < tenant.ous.size(); ++i) {
    const OuConfig& ou = tenant.ous[i];
    if (ou.parent.empty() || ou.retired) continue;
    auto it = index.find(ou.parent);
    if (it == index.end()) {
      errors.Add(locations[i].parent_line, locations[i].where,
                 "parent = " + Quote(ou.parent) + " is not an OU of this tenant " + KnownList("OUs", known) +
                     "; use \"\" for a top-level OU");
      continue;
    }
    parent[i] = static_cast<long>(it->second);
  }
  for (const std::vector<std::size_t>& cycle : FindCycles(parent)) {
    const std::size_t first = *std::min_element(cycle.begin(), cycle.end());
    errors.Add(locations[first].parent_line, locations[first].where,
               "OU parents form a cycle: " + NameCycle(cycle, ids) +
                   " (every OU must lead up to a top-level OU with parent = \"\")");
  }
}

}  // namespace routerd::config
