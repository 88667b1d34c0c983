#include "tests/routing/model_steps.h"

#include <sstream>

#include "tests/routing/tenant_builder.h"

namespace routerd::testing {

Coverage g_coverage;

std::string Step::ToString() const {
  std::ostringstream o;
  switch (kind) {
    case Kind::kContact:
      o << "contact channel=" << channel << " customer=" << customer;
      if (preferred) o << " preferred_agent=" << *preferred;
      break;
    case Kind::kAdvance: o << "advance " << advance_ns / 1'000'000 << "ms + tick"; break;
    case Kind::kRetireAgent: o << "retire agent " << target; break;
    case Kind::kAddQueue:
      o << "add queue " << target << ": " << strategy << " max_wait=" << max_wait
        << (type == config::AgentType::kVoice ? " voice" : "") << " overflow="
        << (to_queue == UINT32_MAX ? -1 : static_cast<std::int64_t>(to_queue)) << " requires=";
      for (const auto& s : skills) o << s.skill << ":" << s.level << ",";
      break;
    case Kind::kChangeOu:
      o << "change OU " << target << ": parent=" << static_cast<std::int64_t>(ou == routing::kNoOu ? -1 : ou)
        << " cap=" << (cap ? std::to_string(*cap) : "none");
      break;
    case Kind::kAddAgent:
    case Kind::kChangeAgent:
      if (kind == Kind::kAddAgent) o << "add agent " << employee;
      if (kind == Kind::kChangeAgent) o << "change agent " << target;
      o << ": ou=" << ou << " type=" << static_cast<int>(type) << " queues=";
      for (std::uint32_t q : queues) o << q << ",";
      o << " skills=";
      for (const auto& s : skills) o << s.skill << ":" << s.level << ",";
      break;
    case Kind::kCommand: {
      static const char* kNames[] = {"sign_in",       "ready",      "not_ready",      "sign_out", "close",
                                     "set_agent_cap", "set_ou_cap", "set_tenant_cap", "transfer",
                                     "end_wrap_up",   "set_priority"};
      o << kNames[static_cast<int>(command)] << " target=" << target;
      if (command == AgentCommandType::kNotReady) o << " reason=" << static_cast<int>(reason);
      if (command == AgentCommandType::kEndWrapUp) {
        o << " wrap=" << (wrap_index ? std::to_string(*wrap_index) : "all");
      }
      if (command == AgentCommandType::kSetPriority) {
        o << " priority=" << (priority ? std::to_string(*priority) : "clear");
      }
      if (command == AgentCommandType::kCloseSession || command == AgentCommandType::kTransfer ||
          command == AgentCommandType::kSetPriority) {
        o << " session=(" << channel << "," << customer << ")";
      }
      if (command == AgentCommandType::kTransfer) {
        if (to_agent != UINT32_MAX) o << " to_agent=" << to_agent;
        if (to_queue != UINT32_MAX) o << " to_queue=" << to_queue;
      } else if (command >= AgentCommandType::kSetAgentCap && command <= AgentCommandType::kSetTenantCap) {
        o << " cap=" << (cap ? std::to_string(*cap) : "clear");
      }
      break;
    }
  }
  return o.str();
}

config::TenantConfig RandomTenant(std::mt19937_64& rng, bool per_kind) {
  static const char* kStrategies[] = {"least_busy", "longest_idle", "round_robin", "most_skilled"};
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  TenantBuilder b("t", 1 + pick(4));
  b.IdleTimeout(60 + pick(120));
  b.NotReadyReasons({"break", "lunch"});
  // After-contact work in some queues, of a few seconds, so that it both
  // expires and gets ended early.
  auto wrap = [&] { return pick(2) ? 1 + pick(20) : 0; };
  b.Ou("root", "", pick(2) ? std::optional<int>(1 + pick(4)) : std::nullopt)
      .Ou("mid", "root", pick(2) ? std::optional<int>(1 + pick(4)) : std::nullopt)
      .Ou("leaf", "mid", pick(2) ? std::optional<int>(1 + pick(4)) : std::nullopt)
      .Ou("side", "root");
  // Priorities worth a few seconds each, so that aging reorders often.
  auto priority = [&] { return pick(3) == 0 ? pick(10) : 0; };
  // Skills from a small pool at few levels, so that requirements both
  // match and exclude, and levels tie.
  auto skills = [&] {
    std::vector<config::SkillLevel> out;
    for (const char* skill : {"en", "es", "vip"}) {
      if (pick(2)) out.push_back({skill, 1 + pick(4), 0});
    }
    return out;
  };
  auto requirement = [&](int one_in) {
    std::vector<config::SkillLevel> out;
    if (pick(one_in) == 0) out = skills();
    return out;
  };
  // Sticky routing in some queues, over windows and waits of seconds.
  auto sticky = [&](TenantBuilder& builder) {
    builder.Sticky(pick(2) ? 5 + pick(60) : 0, 1 + pick(20));
  };
  b.Queue("q0", kStrategies[pick(4)], 10 + pick(40), 2 + pick(4), "q1").WrapUp(wrap()).Priority(priority(), 1 + pick(10));
  sticky(b);
  b.Queue("q1", kStrategies[pick(4)], 10 + pick(40), 2 + pick(4)).WrapUp(wrap()).Priority(priority(), 1 + pick(10));
  b.QueueRequires(requirement(4));
  sticky(b);
  b.Queue("q2", kStrategies[pick(4)], 10 + pick(40), 2 + pick(4)).WrapUp(wrap()).Priority(priority(), 1 + pick(10));
  sticky(b);
  b.Queue("voice", "least_busy", 60, 10, "", config::QueueMedia::kVoice);
  static const char* kOus[] = {"root", "mid", "leaf", "side"};
  static const std::vector<std::vector<std::string>> kQueueSets = {{"q0"}, {"q1"}, {"q2"}, {"q0", "q2"},
                                                                   {"q1", "q2"}, {"q0", "q1", "q2"}};
  const int agents = 3 + pick(5);
  for (int i = 0; i < agents; ++i) {
    std::optional<int> cap = pick(3) == 0 ? std::optional<int>(1 + pick(4)) : std::nullopt;
    int type = pick(6);
    if (type == 0) {
      b.Agent("a" + std::to_string(i), kOus[pick(4)], {"voice"}, cap, config::AgentType::kVoice);
    } else {
      auto queues = kQueueSets[pick(static_cast<int>(kQueueSets.size()))];
      auto t = type == 1 ? config::AgentType::kVersatile : config::AgentType::kMultimedia;
      if (t == config::AgentType::kVersatile) queues.push_back("voice");
      b.Agent("a" + std::to_string(i), kOus[pick(4)], queues, cap, t).Skills(skills());
    }
  }
  b.Channel("c0", "q0").Channel("c1", "q1");
  if (pick(2) == 0) b.ChannelPriority(pick(10));
  b.ChannelRequires(requirement(2));
  b.Channel("c2", "q2").ChannelRequires(requirement(3));
  if (!per_kind) return b.Build();
  config::TenantConfig t = b.Build();
  static const char* kKinds[] = {"email", "web", "wechat"};
  t.channels[0].kind = "web";
  t.channels[1].kind = "email";
  t.channels[2].kind = kKinds[pick(3)];
  // Each level caps each kind with some chance; small caps, so that one kind
  // fills while another has room.
  auto kind_caps = [&] {
    config::KindCaps caps;
    for (const char* kind : kKinds) {
      if (pick(3) == 0) caps.push_back({kind, 1 + pick(3), 0});
    }
    return caps;
  };
  t.multimedia_access_mode = config::AccessMode::kPerChannelKind;
  t.kind_caps = kind_caps();
  for (auto& ou : t.ous) ou.kind_caps = kind_caps();
  for (auto& a : t.agents) a.kind_caps = kind_caps();
  return t;
}

std::map<std::string, int> SkillMap(const std::vector<config::SkillLevel>& skills) {
  std::map<std::string, int> out;
  for (const auto& s : skills) out[s.skill] = s.level;
  return out;
}

config::SkillQueueConfig QueueOfStep(const Step& step, const std::vector<config::SkillQueueConfig>& queues) {
  config::SkillQueueConfig q;
  q.id = "added" + std::to_string(step.target);
  q.strategy = step.strategy;
  q.max_wait_seconds = step.max_wait;
  q.max_waiting = 4;
  q.media = step.type == config::AgentType::kVoice ? config::QueueMedia::kVoice : config::QueueMedia::kMultimedia;
  q.required_skills = step.skills;
  if (step.to_queue != UINT32_MAX) q.on_overflow = {config::OverflowTarget::Kind::kQueue, queues[step.to_queue].id};
  return q;
}

}  // namespace routerd::testing
