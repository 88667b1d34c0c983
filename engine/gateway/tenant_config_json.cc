#include "engine/gateway/tenant_config_json.h"

#include <algorithm>

#include "engine/config/overflow_target.h"
#include "engine/gateway/gateway_json.h"
#include "engine/gateway/json_parts.h"
#include "engine/http/http_message.h"

namespace routerd::gateway {
namespace {

using namespace http::json_fields;

// Whole seconds of a router duration (the configuration gives seconds).
std::int64_t SecondsOf(std::int64_t ns) { return ns / 1'000'000'000; }

void Bool(std::string& out, std::string_view key, bool value) {
  Key(out, key);
  out += value ? "true" : "false";
}

// "key":n, or "key":null when unset.
void OptNum(std::string& out, std::string_view key, std::optional<std::int64_t> value) {
  if (value) {
    Num(out, key, *value);
    return;
  }
  Key(out, key);
  out += "null";
}

// "max_concurrent_sessions_by_channel_kind":{"email":8}: the caps one level
// sets per channel kind (`cap_of(kind index)`), as the router holds them (a
// reloaded file changes them).
template <typename CapOf>
void KindCaps(std::string& out, const routing::TenantRouter& router, CapOf cap_of) {
  Key(out, "max_concurrent_sessions_by_channel_kind");
  out += "{";
  bool first = true;
  for (std::uint32_t k = 0; k < router.kind_count(); ++k) {
    const std::optional<std::uint32_t> cap = cap_of(k);
    if (!cap) continue;
    if (!first) out += ",";
    first = false;
    Num(out, router.KindName(k), *cap);
  }
  out += "}";
}

std::optional<std::int64_t> Opt(std::optional<std::uint32_t> v) {
  return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}
std::optional<std::int64_t> Opt(std::optional<int> v) {
  return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

// The objects of `items` that are not retired as the JSON array `key`, each
// written by append(out, its index).
template <typename T, typename Append>
void AppendLive(std::string& out, std::string_view key, const std::vector<T>& items, Append append) {
  Key(out, key);
  out += "[";
  bool first = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].retired) continue;  // removed at run time; its position stays reserved
    if (!first) out += ",";
    first = false;
    append(out, i);
  }
  out += "]";
}

// {"<key>":{...}}: the object of `items` with this `id`, not retired, written
// by append(out, its index); nullopt when there is none.
template <typename T, typename Append>
std::optional<std::string> OneLive(const std::vector<T>& items, std::string_view id, std::string_view key,
                                   Append append) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].retired || items[i].id != id) continue;
    std::string out = "{";
    Key(out, key);
    append(out, i);
    out += "}";
    return out;
  }
  return std::nullopt;
}

void AppendTenant(std::string& out, const config::TenantConfig& t, const routing::TenantRouter& router) {
  Key(out, "tenant");
  out += "{";
  Str(out, "id", t.id);
  out += ",";
  Str(out, "multimedia_access_mode", config::AccessModeName(t.multimedia_access_mode));
  out += ",";
  // In effect (an administrator may have set it at run time), and the file's,
  // which clearing the run-time cap gives back.
  Num(out, "max_concurrent_sessions", router.TenantCapSetting());
  out += ",";
  Num(out, "configured_max_concurrent_sessions", router.ConfiguredTenantCap());
  out += ",";
  KindCaps(out, router, [&](std::uint32_t k) { return router.TenantKindCap(k); });
  out += ",";
  Num(out, "session_idle_timeout_seconds", SecondsOf(router.IdleTimeoutNs()));
  out += ",";
  AppendStringArray(out, "not_ready_reasons", t.not_ready_reasons);
  out += ",";
  AppendPersonalSettings(out, t.personal_settings);
  out += "}";
}

// OU `i` of `t`, as configured now (its caps from the router).
void AppendOu(std::string& out, const config::TenantConfig& t, const routing::TenantRouter& router, std::size_t i) {
  const config::OuConfig& ou = t.ous[i];
  out += "{";
  Str(out, "id", ou.id);
  out += ",";
  Str(out, "parent", ou.parent);
  out += ",";
  OptNum(out, "max_concurrent_sessions", Opt(router.OuCapSetting(static_cast<std::uint32_t>(i))));
  out += ",";
  KindCaps(out, router, [&](std::uint32_t k) { return router.OuKindCap(static_cast<std::uint32_t>(i), k); });
  out += ",";
  Num(out, "agents", std::count_if(t.agents.begin(), t.agents.end(),
                                   [&](const config::AgentConfig& a) { return !a.retired && a.ou == ou.id; }));
  out += "}";
}

void AppendOus(std::string& out, const config::TenantConfig& t, const routing::TenantRouter& router) {
  AppendLive(out, "ous", t.ous, [&](std::string& o, std::size_t i) { AppendOu(o, t, router, i); });
}

void AppendQueue(std::string& out, const config::TenantConfig& t, const config::SkillQueueConfig& q) {
  out += "{";
  Str(out, "id", q.id);
  out += ",";
  Str(out, "media", config::QueueMediaName(q.media));
  out += ",";
  Str(out, "strategy", q.strategy);
  out += ",";
  Num(out, "max_wait_seconds", q.max_wait_seconds);
  out += ",";
  Num(out, "max_waiting", q.max_waiting);
  out += ",";
  Str(out, "on_overflow", config::OverflowTargetText(q.on_overflow));
  out += ",";
  Bool(out, "auto_allocate", q.auto_allocate);
  out += ",";
  Num(out, "priority", q.priority);
  out += ",";
  Num(out, "priority_aging_seconds", q.priority_aging_seconds);
  out += ",";
  Num(out, "service_level_seconds", q.service_level_seconds);
  out += ",";
  Num(out, "wrap_up_seconds", q.wrap_up_seconds);
  out += ",";
  AppendSkillLevels(out, "required_skills", q.required_skills);
  out += ",";
  Num(out, "sticky_seconds", q.sticky_seconds);
  out += ",";
  Num(out, "sticky_wait_seconds", q.sticky_wait_seconds);
  out += ",";
  Num(out, "agents", std::count_if(t.agents.begin(), t.agents.end(), [&](const config::AgentConfig& a) {
        return !a.retired && std::find(a.skill_queues.begin(), a.skill_queues.end(), q.id) != a.skill_queues.end();
      }));
  out += "}";
}

// The queues in effect: every key of the configuration in effect is the
// router's (a reload or the API changes them together).
void AppendQueues(std::string& out, const config::TenantConfig& t) {
  AppendLive(out, "skill_queues", t.skill_queues,
             [&](std::string& o, std::size_t i) { AppendQueue(o, t, t.skill_queues[i]); });
}

void AppendAgents(std::string& out, const config::TenantConfig& t, const routing::TenantRouter& router) {
  Key(out, "agents");
  out += "[";
  bool first = true;
  for (std::size_t i = 0; i < t.agents.size(); ++i) {
    const config::AgentConfig& a = t.agents[i];
    if (a.retired) continue;  // removed by a reload; its position stays reserved
    const routing::AgentView view = router.Agent(static_cast<std::uint32_t>(i));
    if (!first) out += ",";
    first = false;
    out += "{";
    AppendConfiguredAgent(out, a);
    out += ",";
    AppendSkillLevels(out, "skills", a.skills);
    out += ",";
    // The agent's own cap in effect, and who set it.
    OptNum(out, "max_concurrent_sessions", Opt(view.own_cap));
    if (view.own_cap) {
      out += ",";
      Str(out, "cap_set_by", view.own_cap_personal ? "agent" : "administrator");
    }
    out += ",";
    KindCaps(out, router, [&](std::uint32_t k) { return router.AgentKindCap(static_cast<std::uint32_t>(i), k); });
    out += ",";
    Num(out, "effective_cap", view.cap.cap);
    out += ",";
    AppendCapOrigin(out, view.cap.origin, view.cap.origin == routing::CapOrigin::kOu ? router.OuId(view.cap.ou) : "");
    AppendChannelKindCaps(out, router, view);
    out += "}";
  }
  out += "]";
}

void AppendChannel(std::string& out, const config::ChannelConfig& c) {
  out += "{";
  Str(out, "id", c.id);
  out += ",";
  Str(out, "kind", c.kind);
  out += ",";
  Str(out, "skill_queue", c.skill_queue);
  out += ",";
  OptNum(out, "priority", Opt(c.priority));
  out += ",";
  AppendSkillLevels(out, "required_skills", c.required_skills);
  out += "}";
}

// Never a secret: a channel's kind and routing only.
void AppendChannels(std::string& out, const config::TenantConfig& t) {
  AppendLive(out, "channels", t.channels, [&](std::string& o, std::size_t i) { AppendChannel(o, t.channels[i]); });
}

}  // namespace

std::string TenantConfigJson(const config::TenantConfig& tenant, const routing::TenantRouter& router) {
  std::string out = "{";
  AppendTenant(out, tenant, router);
  out += ",";
  AppendOus(out, tenant, router);
  out += ",";
  AppendQueues(out, tenant);
  out += ",";
  AppendAgents(out, tenant, router);
  out += ",";
  AppendChannels(out, tenant);
  out += "}";
  return out;
}

std::string OusJson(const config::TenantConfig& tenant, const routing::TenantRouter& router) {
  std::string out = "{";
  AppendOus(out, tenant, router);
  out += "}";
  return out;
}

std::string ChannelsJson(const config::TenantConfig& tenant) {
  std::string out = "{";
  AppendChannels(out, tenant);
  out += "}";
  return out;
}

std::optional<std::string> ChannelJson(const config::TenantConfig& tenant, std::string_view id) {
  return OneLive(tenant.channels, id, "channel",
                 [&](std::string& out, std::size_t i) { AppendChannel(out, tenant.channels[i]); });
}

std::string QueuesJson(const config::TenantConfig& tenant) {
  std::string out = "{";
  AppendQueues(out, tenant);
  out += "}";
  return out;
}

std::optional<std::string> QueueJson(const config::TenantConfig& tenant, std::string_view id) {
  return OneLive(tenant.skill_queues, id, "skill_queue",
                 [&](std::string& out, std::size_t i) { AppendQueue(out, tenant, tenant.skill_queues[i]); });
}

std::optional<std::string> OuJson(const config::TenantConfig& tenant, const routing::TenantRouter& router,
                                  std::string_view id) {
  return OneLive(tenant.ous, id, "ou", [&](std::string& out, std::size_t i) { AppendOu(out, tenant, router, i); });
}

}  // namespace routerd::gateway
