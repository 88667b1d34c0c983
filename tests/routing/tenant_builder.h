// Builds TenantConfig values in code for router tests, without TOML.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "engine/config/config.h"

namespace routerd::testing {

class TenantBuilder {
 public:
  explicit TenantBuilder(std::string id = "t1", int tenant_cap = 5) {
    t_.id = std::move(id);
    t_.max_concurrent_sessions = tenant_cap;
    t_.session_idle_timeout_seconds = 1800;
  }
  TenantBuilder& IdleTimeout(int seconds) {
    t_.session_idle_timeout_seconds = seconds;
    return *this;
  }
  TenantBuilder& Ou(std::string id, std::string parent = "", std::optional<int> cap = std::nullopt) {
    t_.ous.push_back({std::move(id), std::move(parent), cap, 0});
    return *this;
  }
  TenantBuilder& Queue(std::string id, std::string strategy = "least_busy", int max_wait_s = 60,
                       int max_waiting = 1000, std::string overflow_queue = "",
                       config::QueueMedia media = config::QueueMedia::kMultimedia) {
    config::SkillQueueConfig q;
    q.id = std::move(id);
    q.strategy = std::move(strategy);
    q.max_wait_seconds = max_wait_s;
    q.max_waiting = max_waiting;
    if (!overflow_queue.empty()) {
      q.on_overflow.kind = config::OverflowTarget::Kind::kQueue;
      q.on_overflow.queue_id = std::move(overflow_queue);
    }
    q.media = media;
    t_.skill_queues.push_back(std::move(q));
    return *this;
  }
  // After-contact work of the last queue added.
  TenantBuilder& WrapUp(int seconds) {
    t_.skill_queues.back().wrap_up_seconds = seconds;
    return *this;
  }
  // Priority (and what a level is worth in waiting) of the last queue added.
  TenantBuilder& Priority(int priority, int aging_seconds = 60) {
    t_.skill_queues.back().priority = priority;
    t_.skill_queues.back().priority_aging_seconds = aging_seconds;
    return *this;
  }
  // Sticky routing of the last queue added.
  TenantBuilder& Sticky(int seconds, int wait_seconds = 30) {
    t_.skill_queues.back().sticky_seconds = seconds;
    t_.skill_queues.back().sticky_wait_seconds = wait_seconds;
    return *this;
  }
  // Priority of the last channel added.
  TenantBuilder& ChannelPriority(int priority) {
    t_.channels.back().priority = priority;
    return *this;
  }
  // Skills of the last agent added, or required by the last queue or channel.
  TenantBuilder& Skills(std::vector<config::SkillLevel> skills) {
    t_.agents.back().skills = Sorted(std::move(skills));
    return *this;
  }
  TenantBuilder& QueueRequires(std::vector<config::SkillLevel> skills) {
    t_.skill_queues.back().required_skills = Sorted(std::move(skills));
    return *this;
  }
  TenantBuilder& ChannelRequires(std::vector<config::SkillLevel> skills) {
    t_.channels.back().required_skills = Sorted(std::move(skills));
    return *this;
  }
  TenantBuilder& NotReadyReasons(std::vector<std::string> reasons) {
    t_.not_ready_reasons = std::move(reasons);
    return *this;
  }
  TenantBuilder& Agent(std::string employee_id, std::string ou, std::vector<std::string> queues,
                       std::optional<int> cap = std::nullopt,
                       config::AgentType type = config::AgentType::kMultimedia) {
    config::AgentConfig a;
    a.employee_id = std::move(employee_id);
    a.business_account = a.employee_id;
    a.ou = std::move(ou);
    a.skill_queues = std::move(queues);
    a.max_concurrent_sessions = cap;
    a.type = type;
    t_.agents.push_back(std::move(a));
    return *this;
  }
  TenantBuilder& Channel(std::string id, std::string queue, std::string kind = "web") {
    config::ChannelConfig c;
    c.id = std::move(id);
    c.kind = std::move(kind);
    c.skill_queue = std::move(queue);
    t_.channels.push_back(std::move(c));
    return *this;
  }
  // Per-channel-kind access, with the tenant's caps per kind.
  TenantBuilder& PerChannelKind(config::KindCaps tenant_caps = {}) {
    t_.multimedia_access_mode = config::AccessMode::kPerChannelKind;
    t_.kind_caps = Sorted(std::move(tenant_caps));
    return *this;
  }
  // Caps per kind of the last OU or agent added.
  TenantBuilder& OuKindCaps(config::KindCaps caps) {
    t_.ous.back().kind_caps = Sorted(std::move(caps));
    return *this;
  }
  TenantBuilder& AgentKindCaps(config::KindCaps caps) {
    t_.agents.back().kind_caps = Sorted(std::move(caps));
    return *this;
  }
  const config::TenantConfig& Build() const { return t_; }

 private:
  // As the configuration loader leaves them.
  static config::SkillLevels Sorted(config::SkillLevels skills) {
    std::sort(skills.begin(), skills.end(),
              [](const config::SkillLevel& a, const config::SkillLevel& b) { return a.skill < b.skill; });
    return skills;
  }
  static config::KindCaps Sorted(config::KindCaps caps) {
    std::sort(caps.begin(), caps.end(), [](const config::KindCap& a, const config::KindCap& b) { return a.kind < b.kind; });
    return caps;
  }
  config::TenantConfig t_;
};

}  // namespace routerd::testing
