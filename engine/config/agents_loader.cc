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

std::optional<AgentIdentities::Conflict> AgentIdentities::Claim(const AgentConfig& agent, std::string id_holder,
                                                                 std::string account_holder) {
  if (auto it = ids_.find(agent.employee_id); it != ids_.end()) return Conflict{"employee_id", it->second};
  if (auto it = accounts_.find(agent.business_account); it != accounts_.end()) {
    return Conflict{"business_account", it->second};
  }
  ids_.emplace(agent.employee_id, std::move(id_holder));
  accounts_.emplace(agent.business_account, std::move(account_holder));
  return std::nullopt;
}

std::optional<AgentIdentities::Conflict> IdentityConflict(const std::vector<AgentConfig>& agents,
                                                          const AgentConfig& agent) {
  AgentIdentities taken;
  for (const AgentConfig& other : agents) {
    if (other.employee_id != agent.employee_id && !other.retired) {
      taken.Claim(other, other.employee_id, other.employee_id);
    }
  }
  return taken.Claim(agent, "", "");
}

std::optional<AgentConfig> ReadAgentTable(const toml::table& table, const std::string& path,
                                          const TenantConfig& tenant, ErrorList& errors) {
  std::vector<std::string> ou_ids;
  for (const OuConfig& ou : tenant.ous) {
    if (!ou.retired) ou_ids.push_back(ou.id);
  }
  const QueueCatalog queues = CatalogOfQueues(tenant);
  const std::vector<std::string>& queue_ids = queues.ids;
  const std::map<std::string_view, QueueMedia>& queue_media = queues.media;
  const std::size_t errors_before = errors.size();

  TableReader r(table, path, errors);
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
  if (auto listed = r.StringArray("skill_queues", Presence::kOptional)) {
    for (const TableReader::Item& item : *listed) {
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
  if (!id || errors.size() != errors_before) return std::nullopt;
  agent.employee_id = *id;
  agent.business_account = account ? *account : *id;
  return agent;
}

void LoadAgentTables(const std::vector<const toml::table*>& tables, const std::string& path, TenantConfig& tenant,
                     ErrorList& errors) {
  AgentIdentities taken;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    std::optional<AgentConfig> agent = ReadAgentTable(*tables[i], path + ".agents[" + std::to_string(i) + "]",
                                                      tenant, errors);
    if (!agent) continue;
    TableReader r(*tables[i], path + ".agents[" + std::to_string(i) + "]", errors);
    r.set_label(agent->employee_id);
    const std::string_view account_key = tables[i]->contains("business_account") ? "business_account" : "employee_id";
    if (std::optional<AgentIdentities::Conflict> c = taken.Claim(*agent, std::to_string(r.KeyLine("employee_id")),
                                                                 std::to_string(r.KeyLine(account_key)))) {
      if (c->key == "employee_id") {
        r.Error("employee_id", "duplicate employee_id '" + agent->employee_id + "' (first defined at line " +
                                   c->holder + ")");
      } else {
        r.Error(account_key,
                "business account '" + agent->business_account + "' is already used by the agent at line " +
                    c->holder);
      }
      continue;
    }
    tenant.agents.push_back(std::move(*agent));
  }
}

}  // namespace routerd::config
