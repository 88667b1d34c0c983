#include "engine/config/agents_loader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config/channels_loader.h"
#include "engine/config/id_rules.h"
#include "engine/config/kind_caps_loader.h"
#include "engine/config/skills_loader.h"

namespace routerd::config {
namespace {

using internal::ErrorList;
using internal::KnownList;
using internal::Presence;
using internal::Quote;
using internal::ReadId;
using internal::TableReader;

// Employee ids are often e-mail-like, so '@' is allowed there too.
bool IsEmployeeIdChar(char c) { return IsIdChar(c) || c == '@'; }

}  // namespace

void LoadAgentTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     ErrorList& errors) {
  std::vector<std::string> ou_ids;
  for (const OuConfig& ou : tenant.ous) ou_ids.push_back(ou.id);
  const QueueCatalog queues = CatalogOfQueues(tenant);
  const std::vector<std::string>& queue_ids = queues.ids;
  const std::map<std::string_view, QueueMedia>& queue_media = queues.media;
  std::map<std::string, int, std::less<>> seen_ids;
  std::map<std::string, int, std::less<>> seen_accounts;

  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    TableReader r(*tables[i], path + ".agents[" + std::to_string(i) + "]", errors);
    AgentConfig agent;
    agent.line = r.line();
    std::optional<std::string> id = ReadId(r, "employee_id", IsEmployeeIdChar, "letters, digits, '.', '_', '-', '@'");
    if (id) r.set_label(*id);

    if (auto ou = r.String("ou", Presence::kRequired)) {
      if (std::find(ou_ids.begin(), ou_ids.end(), *ou) == ou_ids.end()) {
        r.Error("ou", "ou = " + Quote(*ou) + " is not an OU of this tenant " + KnownList("OUs", ou_ids));
      } else {
        agent.ou = *ou;
      }
    }
    std::optional<std::string> type = r.Choice("type", {"versatile", "multimedia", "voice"}, Presence::kRequired);
    if (type) {
      agent.type = *type == "versatile" ? AgentType::kVersatile
                   : *type == "voice"   ? AgentType::kVoice
                                        : AgentType::kMultimedia;
    }
    if (auto queues = r.StringArray("skill_queues", Presence::kOptional)) {
      for (const TableReader::Item& item : *queues) {
        auto media = queue_media.find(item.value);
        if (media == queue_media.end()) {
          errors.Add(item.line, r.where(),
                      "skill_queues: " + Quote(item.value) + " is not a skill queue of this tenant " +
                          KnownList("skill queues", queue_ids));
        } else if (std::find(agent.skill_queues.begin(), agent.skill_queues.end(), item.value) !=
                   agent.skill_queues.end()) {
          errors.Add(item.line, r.where(), "skill_queues lists " + Quote(item.value) + " twice");
        } else if (type && !AgentServesMedia(agent.type, media->second)) {
          errors.Add(item.line, r.where(),
                      "skill_queues: a " + *type + " agent cannot serve the " +
                          std::string(QueueMediaName(media->second)) + " queue '" + item.value +
                          "' (versatile agents serve both kinds, multimedia agents only multimedia queues, "
                          "voice agents only voice queues)");
        } else {
          agent.skill_queues.push_back(item.value);
        }
      }
    }
    if (auto cap = r.Int("max_concurrent_sessions", kMinCap, kMaxCap, Presence::kOptional)) {
      agent.max_concurrent_sessions = static_cast<int>(*cap);
    }
    agent.kind_caps = ReadKindCaps(r, errors);
    std::optional<std::string> account = r.String("business_account", Presence::kOptional);
    if (account && account->empty()) {
      r.Error("business_account", "business_account must not be empty (leave it out to use employee_id)");
      account.reset();
    }
    if (auto name = r.String("name", Presence::kOptional)) agent.name = *name;
    agent.skills = ReadSkillLevels(r, "skills", kMaxAgentSkills, errors);
    r.ReportUnknownKeys();
    if (!id) continue;

    auto [it, inserted] = seen_ids.emplace(*id, r.KeyLine("employee_id"));
    if (!inserted) {
      r.Error("employee_id", "duplicate employee_id '" + *id + "' (first defined at line " +
                                 std::to_string(it->second) + ")");
      continue;
    }
    agent.employee_id = *id;
    agent.business_account = account ? *account : *id;
    const std::string_view account_key = account ? "business_account" : "employee_id";
    auto [acc, fresh] = seen_accounts.emplace(agent.business_account, r.KeyLine(account_key));
    if (!fresh) {
      r.Error(account_key, "business account '" + agent.business_account +
                               "' is already used by the agent at line " + std::to_string(acc->second));
    }
    tenant.agents.push_back(std::move(agent));
  }
}

}  // namespace routerd::config
