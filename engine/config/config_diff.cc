#include "engine/config/config_diff.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <sstream>
#include <string_view>

#include <toml++/toml.h>

#include "engine/config/channel_changes.h"

namespace routerd::config {
namespace {

// A node as TOML text: equal texts, equal values.
std::string Render(const toml::node* node) {
  if (node == nullptr) return {};
  std::ostringstream out;
  node->visit([&](const auto& n) { out << n; });
  return out.str();
}

// The keys of both tables (a table iterates by key): those of `a`, then the
// new ones of `b`.
std::vector<std::string> KeysOf(const toml::table& a, const toml::table& b) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : a) keys.emplace_back(k.str());
  for (const auto& [k, v] : b) {
    if (!a.contains(k.str())) keys.emplace_back(k.str());
  }
  return keys;
}

// The keys a reload applies live: caps at every level and the tenant's idle
// timeout. (OUs, skill queues and agents apply live whole, unless the access
// mode changes too.)
bool IsCapKey(std::string_view key) {
  return key == "max_concurrent_sessions" || key == "max_concurrent_sessions_by_channel_kind";
}
bool IsLiveTenantKey(std::string_view key) { return IsCapKey(key) || key == "session_idle_timeout_seconds"; }

// The keys of a skill queue that a reload applies even when the access mode
// changes too (the rest of the queue waits for that restart), each with what
// copies it. The router applies them (TenantRouter::ApplyQueues).
struct LiveQueueKey {
  std::string_view key;
  void (*copy)(SkillQueueConfig& to, const SkillQueueConfig& from);
};
using SkillQueue = SkillQueueConfig;
constexpr LiveQueueKey kLiveQueueKeys[] = {
    {"max_wait_seconds", [](SkillQueue& to, const SkillQueue& from) { to.max_wait_seconds = from.max_wait_seconds; }},
    {"max_waiting", [](SkillQueue& to, const SkillQueue& from) { to.max_waiting = from.max_waiting; }},
    {"wrap_up_seconds", [](SkillQueue& to, const SkillQueue& from) { to.wrap_up_seconds = from.wrap_up_seconds; }},
    {"sticky_seconds", [](SkillQueue& to, const SkillQueue& from) { to.sticky_seconds = from.sticky_seconds; }},
    {"on_overflow", [](SkillQueue& to, const SkillQueue& from) { to.on_overflow = from.on_overflow; }},
    {"priority", [](SkillQueue& to, const SkillQueue& from) { to.priority = from.priority; }},
    {"auto_allocate", [](SkillQueue& to, const SkillQueue& from) { to.auto_allocate = from.auto_allocate; }},
};
bool IsLiveQueueKey(std::string_view key) {
  return std::any_of(std::begin(kLiveQueueKeys), std::end(kLiveQueueKeys),
                     [key](const LiveQueueKey& k) { return k.key == key; });
}

// A tenant's key as TOML text without what a reload applies live: in each of
// its OUs the caps, in each of its queues the keys of kLiveQueueKeys, in each
// of its channels the routing keys. (Agents are compared by AgentIds.)
std::string RenderWithoutLiveKeys(const toml::table& tenant, const std::string& key) {
  const toml::node* node = tenant.get(key);
  const bool caps = key == "ous";
  const bool channels = key == "channels";
  if (node == nullptr || (!caps && !channels && key != "skill_queues") || !node->is_array()) return Render(node);
  toml::array items = *node->as_array();
  for (toml::node& item : items) {
    toml::table* t = item.as_table();
    if (t == nullptr) continue;
    for (auto it = t->begin(); it != t->end();) {
      const std::string_view k = it->first.str();
      const bool live = caps ? IsCapKey(k) : channels ? IsLiveChannelKey(k) : IsLiveQueueKey(k);
      it = live ? t->erase(it) : std::next(it);
    }
  }
  return Render(&items);
}

std::string RenderWithoutCaps(const toml::table& table) {
  toml::table copy = table;
  for (auto it = copy.begin(); it != copy.end();) it = IsCapKey(it->first.str()) ? copy.erase(it) : std::next(it);
  return Render(&copy);
}

// The tables of a tenant's array `key` (agents, channels) by their `id_key`.
std::map<std::string, const toml::table*> TablesById(const toml::table& tenant, std::string_view key,
                                                    std::string_view id_key) {
  std::map<std::string, const toml::table*> out;
  if (const toml::array* items = tenant[key].as_array()) {
    for (const toml::node& a : *items) {
      const toml::table* table = a.as_table();
      if (table == nullptr) continue;
      if (const auto id = table->get_as<std::string>(id_key)) out[id->get()] = table;
    }
  }
  return out;
}
std::map<std::string, const toml::table*> AgentIds(const toml::table& tenant) {
  return TablesById(tenant, "agents", "employee_id");
}

// A channel's table without the keys a reload applies to it live.
std::string RenderWithoutChannelRouting(const toml::table& channel) {
  toml::table copy = channel;
  for (auto it = copy.begin(); it != copy.end();) {
    it = IsLiveChannelKey(it->first.str()) ? copy.erase(it) : std::next(it);
  }
  return Render(&copy);
}

std::map<std::string, const toml::table*> TenantsById(const toml::table& root) {
  std::map<std::string, const toml::table*> out;
  if (const toml::array* tenants = root["tenants"].as_array()) {
    for (const toml::node& t : *tenants) {
      if (const toml::table* table = t.as_table()) out[table->get_as<std::string>("id")->get()] = table;
    }
  }
  return out;
}

}  // namespace

void CopyLiveQueueKeys(TenantConfig& running, const TenantConfig& file) {
  auto runs = [&running](const std::string& id) {
    return std::any_of(running.skill_queues.begin(), running.skill_queues.end(),
                       [&id](const SkillQueueConfig& q) { return q.id == id; });
  };
  for (SkillQueueConfig& queue : running.skill_queues) {
    for (const SkillQueueConfig& next : file.skill_queues) {
      if (next.id != queue.id) continue;
      const OverflowTarget before = queue.on_overflow;
      for (const LiveQueueKey& k : kLiveQueueKeys) k.copy(queue, next);
      // Overflow into a queue the same file adds waits with it for the
      // restart.
      if (queue.on_overflow.kind == OverflowTarget::Kind::kQueue && !runs(queue.on_overflow.queue_id)) {
        queue.on_overflow = before;
      }
    }
  }
}

std::vector<std::string> ChangedPartsBesideTokens(std::string_view running_text, std::string_view new_text) {
  return CompareConfigFiles(running_text, new_text).needs_restart;
}

FileChanges CompareConfigFiles(std::string_view running_text, std::string_view new_text) {
  const toml::table before = toml::parse(running_text);
  const toml::table after = toml::parse(new_text);
  FileChanges result;
  std::vector<std::string>& changed = result.needs_restart;
  for (const std::string& key : KeysOf(before, after)) {
    if (key == "tenants" || key == "operator_tokens") continue;
    if (Render(before.get(key)) != Render(after.get(key))) changed.push_back("[" + key + "]");
  }
  const auto old_tenants = TenantsById(before);
  const auto new_tenants = TenantsById(after);
  for (const auto& [id, table] : old_tenants) {
    auto it = new_tenants.find(id);
    if (it == new_tenants.end()) {
      result.removed_tenants.push_back(id);
      continue;
    }
    bool restructured = false;
    for (const std::string& key : KeysOf(*table, *it->second)) {
      if (key == "tokens" || key == "agents" || key == "ous" || key == "skill_queues" || key == "channels" ||
          IsLiveTenantKey(key)) {
        continue;
      }
      if (RenderWithoutLiveKeys(*table, key) != RenderWithoutLiveKeys(*it->second, key)) {
        changed.push_back("tenant '" + id + "': " + key);
        restructured |= key == "multimedia_access_mode";
      }
    }
    // A channel the running file has, with another kind, secret or option:
    // its adapter was built with them. (Channels added or removed apply live.)
    const auto old_channels = TablesById(*table, "channels", "id");
    const auto new_channels = TablesById(*it->second, "channels", "id");
    for (const auto& [channel, t] : old_channels) {
      const auto other = new_channels.find(channel);
      if (other != new_channels.end() && RenderWithoutChannelRouting(*t) != RenderWithoutChannelRouting(*other->second)) {
        changed.push_back("tenant '" + id + "': channel '" + channel + "'");
      }
    }
    if (!restructured) continue;
    result.restructured_tenants.push_back(id);
    // With a new access mode, no OU, queue or agent change applies live but
    // the caps of those the running file has, and the queues' live keys.
    const bool ous_changed = RenderWithoutLiveKeys(*table, "ous") != RenderWithoutLiveKeys(*it->second, "ous") ||
                             RenderWithoutLiveKeys(*table, "skill_queues") !=
                                 RenderWithoutLiveKeys(*it->second, "skill_queues") ||
                             RenderWithoutLiveKeys(*table, "channels") != RenderWithoutLiveKeys(*it->second, "channels");
    const auto old_agents = AgentIds(*table);
    const auto new_agents = AgentIds(*it->second);
    bool agents_changed = old_agents.size() != new_agents.size();
    for (const auto& [agent, t] : old_agents) {
      const auto other = new_agents.find(agent);
      agents_changed |= other == new_agents.end() || RenderWithoutCaps(*t) != RenderWithoutCaps(*other->second);
    }
    if (agents_changed || ous_changed) {
      changed.push_back("tenant '" + id + "': OUs, skill queues, channels and agents (with its access mode)");
    }
  }
  for (const auto& [id, table] : new_tenants) {
    if (!old_tenants.contains(id)) result.added_tenants.push_back(id);
  }
  return result;
}

void RunningFile::AddTenant(std::string_view new_text, std::string_view id) {
  toml::table running = toml::parse(text_);
  const toml::table next = toml::parse(new_text);
  const toml::array* from = next["tenants"].as_array();
  if (from == nullptr) return;
  if (running["tenants"].as_array() == nullptr) running.insert_or_assign("tenants", toml::array{});
  toml::array& into = *running["tenants"].as_array();
  for (const toml::node& t : *from) {
    const toml::table* table = t.as_table();
    const auto* tenant_id = table == nullptr ? nullptr : table->get_as<std::string>("id");
    if (tenant_id != nullptr && tenant_id->get() == id) into.push_back(*table);
  }
  std::ostringstream out;
  out << running;
  text_ = out.str();
}

void RunningFile::RemoveTenant(std::string_view id) {
  toml::table running = toml::parse(text_);
  toml::array* tenants = running["tenants"].as_array();
  if (tenants == nullptr) return;
  for (auto it = tenants->begin(); it != tenants->end();) {
    const toml::table* table = it->as_table();
    const auto* tenant_id = table == nullptr ? nullptr : table->get_as<std::string>("id");
    it = tenant_id != nullptr && tenant_id->get() == id ? tenants->erase(it) : std::next(it);
  }
  std::ostringstream out;
  out << running;
  text_ = out.str();
}

}  // namespace routerd::config
