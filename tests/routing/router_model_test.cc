// Randomized model test: millions of random events drive TenantRouter and the
// plain ReferenceModel side by side; after every step the two must agree on
// every event, every command result and the whole state, and the router must
// keep its invariants. A failure prints the seed and the shortest event list
// that still reproduces it (delta debugging).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "engine/routing/tenant_router.h"
#include "tests/routing/reference_model.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {
namespace {

using routing::AgentCommandType;
using routing::RoutingEventType;
constexpr std::int64_t kSec = 1'000'000'000;

struct Step {
  enum class Kind { kContact, kCommand, kAdvance, kChangeAgent, kAddAgent, kRetireAgent, kChangeOu, kAddQueue } kind =
      Kind::kContact;
  std::uint32_t channel = 0;
  std::string customer;
  AgentCommandType command = AgentCommandType::kSignIn;
  std::uint32_t target = 0;
  std::optional<std::uint32_t> cap;
  std::uint32_t to_queue = UINT32_MAX;
  std::uint32_t to_agent = UINT32_MAX;
  std::uint8_t reason = 0;                 // kNotReady
  std::optional<std::size_t> wrap_index;   // kEndWrapUp: which of the agent's, or all
  std::optional<std::uint8_t> priority;     // kSetPriority; nullopt clears
  std::optional<int> preferred;             // kContact: the agent it names; -1 a name nobody has
  std::int64_t advance_ns = 0;
  // kChangeAgent (of `target`), kAddAgent (of `employee`): its OU, queues,
  // skills and type. kChangeOu: OU `target` (the next one: added) under OU
  // `ou` (routing::kNoOu: at the top), with configured cap `cap`.
  std::string employee;
  std::uint32_t ou = 0;
  std::vector<std::uint32_t> queues;
  std::vector<config::SkillLevel> skills;
  config::AgentType type = config::AgentType::kMultimedia;
  // kAddQueue: queue `target` (the next one), with `strategy`, `max_wait`
  // seconds, `skills` required, of voice media with type kVoice, overflowing
  // into queue `to_queue` (UINT32_MAX: leave messages).
  std::string strategy;
  int max_wait = 30;

  std::string ToString() const {
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
};

// A tenant whose shape varies with the seed: 3-level OU tree, three multimedia
// queues (an overflow chain and a standalone one), one voice queue, agents of
// all types serving one or two queues, tight limits so overflow happens;
// skills at a few levels, required by some queues and channels. With
// `per_kind`, per-channel-kind access: channels of two or three kinds, and caps
// per kind at some levels (the draws for it come last, so a unified tenant of
// a seed is the same as before the mode existed).
config::TenantConfig RandomTenant(std::mt19937_64& rng, bool per_kind = false) {
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

// What the random events made the router do, summed over runs; printed so a
// reader can see the test reaches every outcome.
struct Coverage {
  std::map<std::string, std::uint64_t> counts;
  void Add(const std::string& what) { ++counts[what]; }
};
Coverage g_coverage;

// The queue a kAddQueue step adds, `queues` being the tenant's so far
// (REQUIRES: its overflow target, if any, is one of them).
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

class Checker {
 public:
  Checker(const config::TenantConfig& tenant, bool cap_bug) : tenant_(tenant) {
    EXPECT_TRUE(routing::RegisterBuiltinPolicies(policies_).ok());
    routing::TenantRouterOptions options;
    options.session_history_limit = 1'000'000;
    router_ = std::make_unique<routing::TenantRouter>(0, tenant_, policies_, options, &events_);
    model_ = std::make_unique<ReferenceModel>(tenant_, policies_, cap_bug);
  }

  // Applies one step to both; returns a description of the first disagreement.
  std::optional<std::string> Apply(const Step& step) {
    routerd::StatusCode router_code = routerd::StatusCode::kOk, model_code = routerd::StatusCode::kOk;
    // A shrunk replay may have dropped the step that added an agent a later
    // step names: such a step does nothing.
    const std::uint32_t agents = router_->agent_count();
    if (step.kind == Step::Kind::kContact && step.preferred && *step.preferred >= static_cast<int>(agents)) {
      return std::nullopt;
    }
    if (step.kind == Step::Kind::kCommand && step.target >= agents && step.command != AgentCommandType::kSetOuCap &&
        step.command != AgentCommandType::kSetTenantCap && step.command != AgentCommandType::kSetPriority) {
      return std::nullopt;
    }
    switch (step.kind) {
      case Step::Kind::kContact: {
        auto c = std::make_shared<Contact>();
        c->customer_id = step.customer;
        c->channel_id = tenant_.channels[step.channel].id;
        if (step.preferred) {
          c->preferred_agent = *step.preferred >= 0 ? tenant_.agents[*step.preferred].employee_id : "ghost";
        }
        router_->OnContact(step.channel, std::move(c), now_);
        model_->OnContact(step.channel, step.customer, now_, step.preferred);
        break;
      }
      case Step::Kind::kAdvance: {
        const std::size_t held = WrapUpsHeld();
        now_ += step.advance_ns;
        router_->OnTick(now_);
        model_->OnTick(now_);
        if (WrapUpsHeld() < held) g_coverage.Add("after-contact work expired");
        break;
      }
      case Step::Kind::kCommand: {
        routing::AgentCommand cmd;
        cmd.type = step.command;
        cmd.target = step.target;
        cmd.cap = step.cap;
        cmd.to_queue = step.to_queue;
        cmd.to_agent = step.to_agent;
        cmd.reason = step.reason;
        cmd.priority = step.priority;
        cmd.correlation = 1;
        if (step.command == AgentCommandType::kEndWrapUp && step.wrap_index) {
          const auto held = router_->Agent(step.target).wrap_ups;
          cmd.session_id = *step.wrap_index < held.size() ? held[*step.wrap_index].session_id : 12345;
        }
        std::optional<ReferenceModel::Key> key;
        if (step.command == AgentCommandType::kCloseSession || step.command == AgentCommandType::kTransfer) {
          key = ReferenceModel::Key{step.channel, step.customer};
          cmd.session_id = RouterSessionId(step.target, *key);
        } else if (step.command == AgentCommandType::kSetPriority) {
          key = ReferenceModel::Key{step.channel, step.customer};
          cmd.session_id = AnySessionId(*key);
        }
        router_->OnCommand(cmd, now_);
        model_code = model_->OnCommand(step.command, step.target, step.cap, key, now_, step.to_queue, step.to_agent,
                                       step.reason, step.wrap_index, step.priority);
        if (step.command == AgentCommandType::kSetPriority && model_code == routerd::StatusCode::kOk) {
          g_coverage.Add("priority set at run time");
        }
        for (const auto& e : events_) {
          if (e.type == RoutingEventType::kCommandResult) router_code = e.result;
        }
        break;
      }
      case Step::Kind::kAddAgent: {
        config::AgentConfig cfg;
        cfg.employee_id = step.employee;
        cfg.business_account = step.employee;
        cfg.ou = tenant_.ous[step.ou].id;
        cfg.type = step.type;
        if (!QueuesFit(step.queues, step.type)) return std::nullopt;  // a shrunk replay: a queue not added yet
        for (std::uint32_t q : step.queues) cfg.skill_queues.push_back(tenant_.skill_queues[q].id);
        cfg.skills = step.skills;
        if (router_->FindAgent(step.employee)) return std::nullopt;  // a shrunk replay: already there
        if (step.ou >= tenant_.ous.size()) return std::nullopt;      // ... or its OU not yet
        const std::uint32_t agent = router_->AddAgent(cfg, now_);
        const std::uint32_t modeled =
            model_->AddAgent(step.employee, step.ou, step.queues, SkillMap(step.skills), step.type);
        if (agent != modeled) return "added agent at " + std::to_string(agent) + " != model " + std::to_string(modeled);
        if (agent == tenant_.agents.size()) tenant_.agents.push_back(cfg);
        tenant_.agents[agent] = cfg;
        g_coverage.Add("agent added");
        break;
      }
      case Step::Kind::kChangeOu: {
        // In a shrunk replay the OU or its parent may not be there yet, or
        // the move would make a cycle without the moves dropped.
        const std::uint32_t count = model_->ou_count();
        if (step.target > count || (step.ou != routing::kNoOu && step.ou >= count) ||
            !model_->OuParentFits(step.target, step.ou)) {
          return std::nullopt;
        }
        if (step.target == tenant_.ous.size()) {
          tenant_.ous.emplace_back();
          tenant_.ous.back().id = "o" + std::to_string(step.target);
        }
        config::OuConfig& ou = tenant_.ous[step.target];
        ou.parent = step.ou == routing::kNoOu ? std::string() : tenant_.ous[step.ou].id;
        ou.max_concurrent_sessions = step.cap ? std::optional<int>(static_cast<int>(*step.cap)) : std::nullopt;
        router_->ApplyOus(tenant_, now_);
        model_->ChangeOu(step.target, step.ou, step.cap, now_);
        g_coverage.Add(step.target == count ? "OU added" : "OU moved");
        break;
      }
      case Step::Kind::kAddQueue: {
        // In a shrunk replay the queue may be there already, or its overflow
        // target not yet (or of the other media without the steps dropped).
        if (step.target != tenant_.skill_queues.size()) return std::nullopt;
        const bool voice = step.type == config::AgentType::kVoice;
        if (step.to_queue != UINT32_MAX &&
            (step.to_queue >= tenant_.skill_queues.size() ||
             (tenant_.skill_queues[step.to_queue].media == config::QueueMedia::kVoice) != voice)) {
          return std::nullopt;
        }
        const config::SkillQueueConfig q = QueueOfStep(step, tenant_.skill_queues);
        tenant_.skill_queues.push_back(q);
        router_->ApplyQueues(tenant_, now_);
        model_->AddQueue(q, tenant_.skill_queues, policies_);
        if (router_->queue_count() != model_->queue_count()) return std::string("queue counts differ");
        g_coverage.Add(router_->open_sessions() > 0 ? "queue added under traffic" : "queue added");
        break;
      }
      case Step::Kind::kRetireAgent:
        if (step.target >= router_->agent_count() || router_->AgentRetired(step.target)) return std::nullopt;
        router_->RetireAgent(step.target, now_);
        model_->RetireAgent(step.target, now_);
        g_coverage.Add("agent retired");
        break;
      case Step::Kind::kChangeAgent: {
        // In a shrunk replay the agent may be gone or not there yet.
        if (step.target >= router_->agent_count() || router_->AgentRetired(step.target)) return std::nullopt;
        if (step.ou >= tenant_.ous.size()) return std::nullopt;
        config::AgentConfig cfg = tenant_.agents[step.target];
        cfg.ou = tenant_.ous[step.ou].id;
        cfg.type = step.type;
        cfg.skill_queues.clear();
        if (!QueuesFit(step.queues, step.type)) return std::nullopt;  // a shrunk replay: a queue not added yet
        for (std::uint32_t q : step.queues) cfg.skill_queues.push_back(tenant_.skill_queues[q].id);
        cfg.skills = step.skills;
        router_->ApplyAgentConfig(step.target, cfg, now_);
        model_->ChangeAgent(step.target, step.ou, step.queues, SkillMap(step.skills), step.type, now_);
        g_coverage.Add("agent changed");
        break;
      }
    }
    if (router_code != model_code) {
      return "command result " + std::string(StatusCodeName(router_code)) + " != model " +
             std::string(StatusCodeName(model_code));
    }
    if (auto e = CompareEvents()) return e;
    return CompareState();
  }

 private:
  // Any open session with this key, waiting or assigned.
  std::uint64_t AnySessionId(const ReferenceModel::Key& key) const {
    std::uint64_t id = 12345;  // none: both must refuse
    router_->ForEachSession([&](const routing::SessionView& s) {
      if (s.channel == key.first && (*s.first)->customer_id == key.second) id = s.id;
    });
    return id;
  }

  // Whether an agent of `type` may serve `queues` of the tenant now.
  bool QueuesFit(const std::vector<std::uint32_t>& queues, config::AgentType type) const {
    return std::all_of(queues.begin(), queues.end(), [&](std::uint32_t q) {
      if (q >= tenant_.skill_queues.size()) return false;
      const bool voice = tenant_.skill_queues[q].media == config::QueueMedia::kVoice;
      return type == config::AgentType::kVersatile || voice == (type == config::AgentType::kVoice);
    });
  }

  std::size_t WrapUpsHeld() const {
    std::size_t n = 0;
    for (std::uint32_t i = 0; i < router_->agent_count(); ++i) n += router_->Agent(i).wrap_ups.size();
    return n;
  }

  std::uint64_t RouterSessionId(std::uint32_t agent, const ReferenceModel::Key& key) const {
    for (std::uint32_t slot : router_->Agent(agent).session_slots) {
      auto s = router_->SessionAtSlot(slot);
      if (s.channel == key.first && (*s.first)->customer_id == key.second) return s.id;
    }
    return 12345;  // no such session: both must refuse
  }

  std::optional<std::string> CompareEvents() {
    std::vector<RefEvent> got;
    for (const auto& e : events_) {
      RefEvent r{e.type};
      switch (e.type) {
        case RoutingEventType::kCommandResult:
          g_coverage.Add("command " + std::string(StatusCodeName(e.result)));
          break;
        case RoutingEventType::kSessionEnded:
          g_coverage.Add("ended " + std::string(routing::EndReasonName(e.end_reason)));
          if (e.wrap_up_ns > 0) g_coverage.Add("after-contact work");
          break;
        case RoutingEventType::kAgentState:
          if (!e.not_ready_reason.empty()) g_coverage.Add("not ready with a reason");
          break;
        case RoutingEventType::kLeaveMessage:
          g_coverage.Add("leave " + std::string(routing::LeaveReasonName(e.leave_reason)));
          break;
        case RoutingEventType::kAssigned:
          g_coverage.Add(e.waited_ns > 0 ? "assigned after waiting" : "assigned at once");
          if (e.strategy == "most_skilled") g_coverage.Add("assigned by most_skilled");
          break;
        case RoutingEventType::kMessage:
          g_coverage.Add("message to agent");
          break;
        default:
          break;
      }
      switch (e.type) {
        case RoutingEventType::kAssigned:
          // Per-channel-kind access: the cap is the kind's, while
          // active_sessions counts every kind (the state comparison checks
          // each kind's units against the model instead).
          if (!per_kind() && e.active_sessions > e.effective_cap) {
            return "agent " + std::string(e.employee_id) + " assigned above its cap: " +
                   std::to_string(e.active_sessions) + " > " + std::to_string(e.effective_cap);
          }
          r.messages = e.MessageCount();
          break;
        case RoutingEventType::kSessionEnded:
          r.reason = static_cast<int>(e.end_reason);
          break;
        case RoutingEventType::kLeaveMessage:
          r.reason = static_cast<int>(e.leave_reason);
          r.messages = e.MessageCount();
          break;
        case RoutingEventType::kMessage:
          break;
        default:
          continue;
      }
      r.channel = *router_->FindChannel(e.contact->channel_id);
      r.customer = e.contact->customer_id;
      if (e.type != RoutingEventType::kLeaveMessage) r.employee_id = std::string(e.employee_id);
      got.push_back(std::move(r));
    }
    events_.clear();
    std::vector<RefEvent> want;
    want.swap(model_->events());
    if (got == want) return std::nullopt;
    auto describe = [](const std::vector<RefEvent>& v) {
      std::ostringstream o;
      for (const auto& e : v) {
        o << "[type=" << static_cast<int>(e.type) << " " << e.channel << "/" << e.customer << " agent=" << e.employee_id
          << " reason=" << e.reason << " msgs=" << e.messages << "]";
      }
      return o.str();
    };
    return "events differ: router " + describe(got) + " model " + describe(want);
  }

  std::optional<std::string> CompareState() {
    std::set<ReferenceModel::Key> seen;
    if (router_->agent_count() != model_->agents().size()) return "agent counts differ";
    for (std::uint32_t i = 0; i < router_->agent_count(); ++i) {
      auto a = router_->Agent(i);
      const auto& m = model_->agents()[i];
      if (router_->AgentRetired(i) != m.retired) return "agent " + m.employee_id + " retired differs";
      if (a.state != m.state) return "agent " + m.employee_id + " state differs";
      if (m.retired) {
        // Signed out and holding nothing; its caps are no longer resolved.
        if (!a.session_slots.empty() || !a.wrap_ups.empty()) return "retired agent " + m.employee_id + " holds work";
        continue;
      }
      if (!(a.cap == m.cap)) return "agent " + m.employee_id + " effective cap differs";
      if (a.kinds.size() != m.kind_caps.size()) return "agent " + m.employee_id + " kinds differ";
      for (std::size_t k = 0; k < a.kinds.size(); ++k) {
        if (!(a.kinds[k].cap == m.kind_caps[k])) return "agent " + m.employee_id + " cap of a kind differs";
        std::uint32_t units = 0;
        for (std::uint32_t slot : a.session_slots) units += router_->ChannelKind(router_->SessionAtSlot(slot).channel) == k;
        for (const auto& w : a.wrap_ups) units += w.kind == k;
        if (a.kinds[k].load != units) return "agent " + m.employee_id + " units of a kind miscounted";
        if (a.kinds[k].load >= a.kinds[k].cap.cap && a.state == routing::AgentState::kReady) {
          g_coverage.Add("ready agent full in one kind");
        }
      }
      const std::string_view want_reason =
          m.reason == 0 ? std::string_view() : std::string_view(tenant_.not_ready_reasons[m.reason - 1]);
      if (a.not_ready_reason != want_reason) return "agent " + m.employee_id + " not-ready reason differs";
      if (a.wrap_ups.size() != m.wraps.size()) return "agent " + m.employee_id + " after-contact work differs";
      for (std::size_t w = 0; w < m.wraps.size(); ++w) {
        if (a.wrap_ups[w].until_ns != m.wraps[w].until) return "agent " + m.employee_id + " after-contact end differs";
      }
      std::set<ReferenceModel::Key> mine;
      for (std::uint32_t slot : a.session_slots) {
        auto s = router_->SessionAtSlot(slot);
        ReferenceModel::Key key{s.channel, (*s.first)->customer_id};
        if (!seen.insert(key).second) return "session " + key.second + " has two agents";
        mine.insert(key);
        auto it = model_->sessions().find(key);
        if (it == model_->sessions().end() || it->second.messages != s.messages) {
          return "session " + key.second + " message count differs";
        }
      }
      if (mine != std::set<ReferenceModel::Key>(m.sessions.begin(), m.sessions.end())) {
        return "agent " + m.employee_id + " sessions differ";
      }
    }
    // Preferred agents: whom, why, what became of it, and who waits for one.
    std::optional<std::string> preference_error;
    router_->ForEachSession([&](const routing::SessionView& v) {
      if (preference_error) return;
      const ReferenceModel::Key key{v.channel, (*v.first)->customer_id};
      auto it = model_->sessions().find(key);
      if (it == model_->sessions().end()) return;  // reported below as a count mismatch
      const auto& m = it->second;
      const int preferred = v.preferred_agent == routing::kNone ? -1 : static_cast<int>(v.preferred_agent);
      if (preferred != m.preferred || v.preference != m.source || v.preference_outcome != m.outcome ||
          v.reserved != m.reserved) {
        preference_error = "session " + key.second + " preference differs: router " + std::to_string(preferred) + " " +
                           std::string(routing::PreferenceOutcomeName(v.preference_outcome)) +
                           (v.reserved ? " reserved" : "") + ", model " + std::to_string(m.preferred) + " " +
                           std::string(routing::PreferenceOutcomeName(m.outcome)) +
                           (m.reserved ? " reserved" : "");
      }
      if (v.reserved) g_coverage.Add("waiting for a preferred agent");
      if (v.agent != routing::kNone && v.trace->preference != routing::PreferenceSource::kNone) {
        g_coverage.Add("preference " +
                       std::string(routing::PreferenceSourceName(v.trace->preference)) + " " +
                       std::string(routing::PreferenceOutcomeName(v.trace->preference_outcome)));
      }
    });
    if (preference_error) return preference_error;
    std::size_t waiting = 0;
    for (std::uint32_t q = 0; q < router_->queue_count(); ++q) {
      auto stats = router_->Queue(q);
      if (stats.waiting > 0 && stats.eligible_agents > 0) g_coverage.Add("waiting for a skilled agent");
      std::vector<ReferenceModel::Key> order;
      for (std::uint64_t id : router_->WaitingInOrder(q)) {
        auto s = router_->Session(id);
        order.push_back({s->channel, (*s->first)->customer_id});
        if (model_->sessions().contains(order.back()) && model_->CouldBeServed(order.back())) {
          return "session " + order.back().second + " waits in " + std::string(router_->QueueId(q)) +
                 " while a qualifying agent is free";
        }
      }
      if (order != model_->Waiting(q)) return "waiting order of queue " + std::string(router_->QueueId(q)) + " differs";
      const auto oldest = model_->OldestEnqueued(q);
      if (oldest.has_value() != (stats.waiting > 0) || (oldest && *oldest != stats.oldest_enqueued_ns)) {
        return "oldest time in queue " + std::string(router_->QueueId(q)) + " differs";
      }
      waiting += order.size() + stats.reserved;
    }
    if (router_->open_sessions() != model_->sessions().size()) {
      return "open sessions " + std::to_string(router_->open_sessions()) + " != model " +
             std::to_string(model_->sessions().size());
    }
    if (seen.size() + waiting != router_->open_sessions()) return "an open session is neither assigned nor waiting";
    return std::nullopt;
  }

  bool per_kind() const { return tenant_.multimedia_access_mode == config::AccessMode::kPerChannelKind; }

  config::TenantConfig tenant_;
  routing::PolicyRegistry policies_;
  std::vector<routing::RoutingEvent> events_;
  std::unique_ptr<routing::TenantRouter> router_;
  std::unique_ptr<ReferenceModel> model_;
  std::int64_t now_ = 1000 * kSec;
};

// Random steps, chosen from the model's state so that most of them matter.
class StepGenerator {
 public:
  StepGenerator(const config::TenantConfig& tenant, std::uint64_t seed) : tenant_(tenant), rng_(seed) {}

  Step Next(const ReferenceModel& model) {
    Step s;
    const int r = Pick(100);
    const auto agents = static_cast<std::uint32_t>(model.agents().size());
    if (r < 30) {
      s.kind = Step::Kind::kContact;
      s.channel = static_cast<std::uint32_t>(Pick(3));
      s.customer = "u" + std::to_string(Pick(25));
      // Some name an agent (or a name nobody has).
      if (Pick(8) == 0) s.preferred = Pick(static_cast<int>(agents) + 1) - 1;
    } else if (r < 40 && !model.sessions().empty()) {
      // A repeat message of an open session.
      auto it = model.sessions().begin();
      std::advance(it, Pick(static_cast<int>(model.sessions().size())));
      s.kind = Step::Kind::kContact;
      s.channel = it->first.first;
      s.customer = it->first.second;
    } else if (r < 44) {
      // A run-time priority for a session, mostly a waiting one; 10 is refused.
      s.kind = Step::Kind::kCommand;
      s.command = AgentCommandType::kSetPriority;
      s.channel = 0;
      s.customer = "nobody";
      if (!model.sessions().empty() && Pick(8) != 0) {
        auto it = model.sessions().begin();
        std::advance(it, Pick(static_cast<int>(model.sessions().size())));
        s.channel = it->first.first;
        s.customer = it->first.second;
      }
      const int p = Pick(13);
      if (p < 11) s.priority = static_cast<std::uint8_t>(p);
    } else if (r < 52) {
      s.kind = Step::Kind::kAdvance;
      s.advance_ns = Pick(4) == 0 ? static_cast<std::int64_t>(Pick(90)) * kSec : Pick(5000) * 1'000'000LL;
    } else if (r < 70) {
      s.kind = Step::Kind::kCommand;
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      static const AgentCommandType kPresence[] = {AgentCommandType::kSignIn, AgentCommandType::kReady,
                                                   AgentCommandType::kReady, AgentCommandType::kNotReady,
                                                   AgentCommandType::kSignOut};
      s.command = kPresence[Pick(5)];
      // Reasons 1..2 are configured; 3 is not and must be refused.
      if (s.command == AgentCommandType::kNotReady) s.reason = static_cast<std::uint8_t>(Pick(4));
      if (Pick(6) == 0) {
        s.command = AgentCommandType::kEndWrapUp;
        const auto& wraps = model.agents()[s.target].wraps;
        if (Pick(3) != 0) s.wrap_index = static_cast<std::size_t>(Pick(static_cast<int>(wraps.size()) + 1));
      }
    } else if (r < 88) {
      s.kind = Step::Kind::kCommand;
      // Mostly closes; some transfers, to a queue (including the voice one,
      // which must be refused) or to another agent.
      s.command = Pick(5) == 0 ? AgentCommandType::kTransfer : AgentCommandType::kCloseSession;
      if (s.command == AgentCommandType::kTransfer) {
        if (Pick(2) == 0) {
          s.to_queue = static_cast<std::uint32_t>(Pick(static_cast<int>(model.queue_count())));
          // Some prefer an agent there.
          if (Pick(3) == 0) s.to_agent = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
        } else {
          s.to_agent = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
        }
      }
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      const auto& mine = model.agents()[s.target].sessions;
      if (!mine.empty() && Pick(10) != 0) {
        const auto& key = mine[Pick(static_cast<int>(mine.size()))];
        s.channel = key.first;
        s.customer = key.second;
      } else {
        s.channel = 0;
        s.customer = "nobody";
      }
    } else if (r >= 96) {
      // An agent moved to other queues or an OU, given other skills or type;
      // some removed, some added (new, or back after a removal).
      s.kind = Step::Kind::kChangeAgent;
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      const int what = Pick(8);
      if (what == 0) {
        s.kind = Step::Kind::kRetireAgent;
        return s;
      }
      if (what == 3 && model.queue_count() < 8) {
        // A queue added (up to a few), mostly multimedia, some requiring
        // skills, some overflowing into another queue of its media.
        static const char* kNames[] = {"least_busy", "longest_idle", "round_robin", "most_skilled"};
        s.kind = Step::Kind::kAddQueue;
        s.target = model.queue_count();
        s.strategy = kNames[Pick(4)];
        s.max_wait = 5 + Pick(40);
        if (Pick(4) == 0) s.type = config::AgentType::kVoice;
        if (s.type != config::AgentType::kVoice && Pick(3) == 0) {
          for (const char* skill : {"en", "es", "vip"}) {
            if (Pick(2)) s.skills.push_back({skill, 1 + Pick(4), 0});
          }
        }
        if (Pick(2) == 0) {
          const auto to = static_cast<std::uint32_t>(Pick(static_cast<int>(model.queue_count())));
          if (model.QueueVoice(to) == (s.type == config::AgentType::kVoice)) s.to_queue = to;
        }
        return s;
      }
      if (what == 2) {
        // An OU moved and re-capped, or added (up to a few).
        const std::uint32_t count = model.ou_count();
        s.kind = Step::Kind::kChangeOu;
        s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(count < 8 ? count + 1 : count)));
        const std::uint32_t parent = static_cast<std::uint32_t>(Pick(static_cast<int>(count + 1)));
        s.ou = parent < count && model.OuParentFits(s.target, parent) ? parent : routing::kNoOu;
        if (Pick(3) != 0) s.cap = static_cast<std::uint32_t>(1 + Pick(5));
        return s;
      }
      if (what == 1) {
        std::vector<std::uint32_t> retired;
        for (std::uint32_t i = 0; i < agents; ++i) {
          if (model.agents()[i].retired) retired.push_back(i);
        }
        if (!retired.empty() && Pick(2) == 0) {
          s.kind = Step::Kind::kAddAgent;
          s.employee = model.agents()[retired[Pick(static_cast<int>(retired.size()))]].employee_id;
        } else if (agents < 12) {
          s.kind = Step::Kind::kAddAgent;
          s.employee = "n" + std::to_string(agents);
        }
      }
      s.ou = static_cast<std::uint32_t>(Pick(static_cast<int>(model.ou_count())));
      const int type = Pick(6);
      if (type == 0) {
        s.type = config::AgentType::kVoice;
        s.queues = {3};  // the voice queue
      } else {
        static const std::vector<std::vector<std::uint32_t>> kSets = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};
        s.queues = kSets[Pick(static_cast<int>(kSets.size()))];
        s.type = type == 1 ? config::AgentType::kVersatile : config::AgentType::kMultimedia;
        if (s.type == config::AgentType::kVersatile) s.queues.push_back(3);
        // Sometimes a queue added at run time too, of a media it serves.
        if (model.queue_count() > 4 && Pick(2) == 0) {
          const auto q = static_cast<std::uint32_t>(4 + Pick(static_cast<int>(model.queue_count() - 4)));
          if (!model.QueueVoice(q) || s.type == config::AgentType::kVersatile) s.queues.push_back(q);
        }
        for (const char* skill : {"en", "es", "vip"}) {
          if (Pick(2)) s.skills.push_back({skill, 1 + Pick(4), 0});
        }
      }
    } else {
      s.kind = Step::Kind::kCommand;
      const int level = Pick(3);
      s.command = level == 0 ? AgentCommandType::kSetAgentCap
                             : level == 1 ? AgentCommandType::kSetOuCap : AgentCommandType::kSetTenantCap;
      s.target = level == 0 ? static_cast<std::uint32_t>(Pick(static_cast<int>(agents)))
                            : static_cast<std::uint32_t>(Pick(static_cast<int>(tenant_.ous.size())));
      const int v = Pick(12);
      s.cap = v < 3 ? std::nullopt : v == 3 ? std::optional<std::uint32_t>(61)
                                           : std::optional<std::uint32_t>(1 + Pick(5));
    }
    return s;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  const config::TenantConfig& tenant_;
  std::mt19937_64 rng_;
};

struct Failure {
  std::size_t step = 0;
  std::string what;
};

std::optional<Failure> Replay(const config::TenantConfig& tenant, const std::vector<Step>& steps, bool cap_bug) {
  Checker checker(tenant, cap_bug);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (auto err = checker.Apply(steps[i])) return Failure{i, *err};
  }
  return std::nullopt;
}

// Delta debugging: drop chunks of steps while the failure persists.
std::vector<Step> Shrink(const config::TenantConfig& tenant, std::vector<Step> steps, bool cap_bug) {
  for (std::size_t chunk = std::max<std::size_t>(1, steps.size() / 2); chunk >= 1; chunk /= 2) {
    bool removed = true;
    while (removed) {
      removed = false;
      for (std::size_t i = 0; i < steps.size();) {
        std::vector<Step> candidate;
        candidate.insert(candidate.end(), steps.begin(), steps.begin() + i);
        candidate.insert(candidate.end(), steps.begin() + std::min(steps.size(), i + chunk), steps.end());
        if (auto f = Replay(tenant, candidate, cap_bug)) {
          candidate.resize(f->step + 1);
          steps = std::move(candidate);
          removed = true;
        } else {
          i += chunk;
        }
      }
    }
    if (chunk == 1) break;
  }
  return steps;
}

struct RunResult {
  std::uint64_t seed;
  std::optional<Failure> failure;
  std::vector<Step> shortest;
  config::TenantConfig tenant;
  bool cap_bug = false;
};

RunResult RunOne(std::uint64_t seed, std::size_t steps, bool cap_bug, bool per_kind = false) {
  std::mt19937_64 config_rng(seed);
  RunResult result{seed, std::nullopt, {}, RandomTenant(config_rng, per_kind), cap_bug};
  StepGenerator gen(result.tenant, seed * 7919 + 1);
  // The generator reads a model of its own so that it never depends on the
  // checker's state (a shrunk replay must mean the same steps).
  const routing::PolicyRegistry* policies = [] {
    static routing::PolicyRegistry p;
    static bool once = routing::RegisterBuiltinPolicies(p).ok();
    (void)once;
    return &p;
  }();
  ReferenceModel shadow(result.tenant, *policies, cap_bug);
  std::vector<config::SkillQueueConfig> shadow_queues = result.tenant.skill_queues;
  Checker checker(result.tenant, cap_bug);
  std::vector<Step> history;
  std::int64_t now = 1000 * kSec;
  for (std::size_t i = 0; i < steps; ++i) {
    Step s = gen.Next(shadow);
    history.push_back(s);
    switch (s.kind) {
      case Step::Kind::kContact: shadow.OnContact(s.channel, s.customer, now); break;
      case Step::Kind::kAdvance: now += s.advance_ns; shadow.OnTick(now); break;
      // As the checker applies them: steps on removed agents do nothing.
      case Step::Kind::kChangeAgent:
        if (!shadow.agents()[s.target].retired) {
          shadow.ChangeAgent(s.target, s.ou, s.queues, SkillMap(s.skills), s.type, now);
        }
        break;
      case Step::Kind::kRetireAgent:
        if (!shadow.agents()[s.target].retired) shadow.RetireAgent(s.target, now);
        break;
      case Step::Kind::kChangeOu:
        shadow.ChangeOu(s.target, s.ou, s.cap, now);
        break;
      case Step::Kind::kAddAgent:
        shadow.AddAgent(s.employee, s.ou, s.queues, SkillMap(s.skills), s.type);
        break;
      case Step::Kind::kAddQueue: {
        // As the checker builds it (a step that does not fit was not generated).
        shadow_queues.push_back(QueueOfStep(s, shadow_queues));
        shadow.AddQueue(shadow_queues.back(), shadow_queues, *policies);
        break;
      }
      case Step::Kind::kCommand: {
        std::optional<ReferenceModel::Key> key;
        if (s.command == AgentCommandType::kCloseSession || s.command == AgentCommandType::kTransfer ||
            s.command == AgentCommandType::kSetPriority) {
          key = ReferenceModel::Key{s.channel, s.customer};
        }
        (void)shadow.OnCommand(s.command, s.target, s.cap, key, now, s.to_queue, s.to_agent, s.reason, s.wrap_index,
                               s.priority);
        break;
      }
    }
    shadow.events().clear();
    if (auto err = checker.Apply(s)) {
      result.failure = Failure{i, *err};
      result.shortest = Shrink(result.tenant, history, cap_bug);
      return result;
    }
  }
  return result;
}

std::string Report(const RunResult& r) {
  std::ostringstream o;
  o << "seed " << r.seed << ": step " << r.failure->step << ": " << r.failure->what << "\n"
    << "shortest reproduction (" << r.shortest.size() << " steps; rerun with ROUTERD_MODEL_SEED=" << r.seed << "):\n";
  for (const Step& s : r.shortest) o << "  " << s.ToString() << "\n";
  if (auto f = Replay(r.tenant, r.shortest, r.cap_bug)) o << "  -> " << f->what << "\n";
  return o.str();
}

TEST(RouterModelTest, MillionRandomEventsAgreeWithTheReferenceModel) {
  std::uint64_t first_seed = 1;
  std::size_t runs = 40;
  if (const char* s = std::getenv("ROUTERD_MODEL_SEED")) {
    first_seed = std::strtoull(s, nullptr, 10);
    runs = 1;
  }
  constexpr std::size_t kStepsPerRun = 25'000;  // 40 runs: 10^6 events
  std::size_t total = 0;
  for (std::size_t run = 0; run < runs; ++run) {
    RunResult r = RunOne(first_seed + run, kStepsPerRun, /*cap_bug=*/false);
    ASSERT_FALSE(r.failure.has_value()) << Report(r);
    total += kStepsPerRun;
  }
  if (runs > 1) {
    EXPECT_GE(total, 1'000'000u);
  }
  for (const auto& [what, n] : g_coverage.counts) std::printf("  %-28s %llu\n", what.c_str(), static_cast<unsigned long long>(n));
  // Each outcome must have happened, or the generator has stopped reaching it.
  for (const char* what : {"assigned at once", "assigned after waiting", "message to agent", "ended closed",
                           "ended transferred",
                           "ended idle_timeout", "ended requeued", "leave queue_full", "leave max_wait",
                           "leave idle_timeout", "command OK", "command NotFound", "command InvalidArgument",
                           "command FailedPrecondition", "after-contact work", "after-contact work expired",
                           "not ready with a reason", "priority set at run time", "waiting for a skilled agent",
                           "assigned by most_skilled", "waiting for a preferred agent",
                           "preference last_agent served", "preference last_agent expired",
                           "preference contact served", "preference contact unavailable",
                           "preference transfer served", "preference transfer expired", "agent changed",
                           "agent added", "agent retired", "OU added", "OU moved", "queue added under traffic"}) {
    EXPECT_GT(g_coverage.counts[what], 0u) << what;
  }
}

// Per-channel-kind access: the same rules with each kind against its own cap.
TEST(RouterModelTest, PerChannelKindAccessAgreesWithTheReferenceModel) {
  std::uint64_t first_seed = 1001;
  std::size_t runs = 16;
  if (const char* s = std::getenv("ROUTERD_MODEL_KIND_SEED")) {
    first_seed = std::strtoull(s, nullptr, 10);
    runs = 1;
  }
  g_coverage = Coverage{};
  for (std::size_t run = 0; run < runs; ++run) {
    RunResult r = RunOne(first_seed + run, 25'000, /*cap_bug=*/false, /*per_kind=*/true);
    ASSERT_FALSE(r.failure.has_value()) << Report(r) << "(rerun with ROUTERD_MODEL_KIND_SEED=" << r.seed << ")";
  }
  for (const char* what : {"assigned at once", "assigned after waiting", "ended closed", "ended transferred",
                           "leave queue_full", "command FailedPrecondition", "after-contact work expired",
                           "waiting for a preferred agent", "ready agent full in one kind"}) {
    EXPECT_GT(g_coverage.counts[what], 0u) << what;
  }
}

// The checker is only worth something if it can fail: a model that lets an
// agent take one session too many must be caught, and shrunk to a few steps.
TEST(RouterModelTest, CheckerCatchesACapBugAndShrinksIt) {
  RunResult r = RunOne(3, 20'000, /*cap_bug=*/true);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_LE(r.shortest.size(), 12u) << Report(r);
  std::printf("%s", Report(r).c_str());
  auto again = Replay(r.tenant, r.shortest, true);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->step + 1, r.shortest.size());
}

// The same for per-channel-kind access: one session over a kind's cap is caught.
TEST(RouterModelTest, CheckerCatchesAKindCapBug) {
  RunResult r = RunOne(1001, 20'000, /*cap_bug=*/true, /*per_kind=*/true);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_LE(r.shortest.size(), 12u) << Report(r);
}

}  // namespace
}  // namespace routerd::testing
