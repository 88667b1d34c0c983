#include "engine/config/permissions_loader.h"

#include <cstdint>

namespace routerd::config {

using internal::Presence;
using internal::Quote;
using internal::TableReader;

void LoadPermissionsTable(const toml::table& table, const std::string& path, LeavePermissions& out,
                          internal::ErrorList& errors) {
  TableReader r(table, path + ".permissions", errors);
  auto admin = r.StringArray("tenant_admin", Presence::kOptional);
  auto agent = r.StringArray("agent", Presence::kOptional);
  r.ReportUnknownKeys();
  auto bits = [&](std::string_view key, const std::vector<TableReader::Item>& items, std::uint32_t& into) {
    std::uint32_t mask = 0;
    bool ok = true;
    for (const TableReader::Item& item : items) {
      const std::optional<LeaveOperation> op = ParseLeaveOperation(item.value);
      if (!op) {
        errors.Add(item.line, r.where(),
                    std::string(key) + ": " + Quote(item.value) +
                        " is not a leave-message operation (allowed: query, allocate, process, submit, download, "
                        "view_contact)");
        ok = false;
        continue;
      }
      if (mask & LeavePermissions::Bit(*op)) {
        errors.Add(item.line, r.where(), std::string(key) + " lists " + Quote(item.value) + " twice");
        ok = false;
        continue;
      }
      mask |= LeavePermissions::Bit(*op);
    }
    if (ok) into = mask;
  };
  if (admin) bits("tenant_admin", *admin, out.tenant_admin);
  if (agent) bits("agent", *agent, out.agent);
}

}  // namespace routerd::config
