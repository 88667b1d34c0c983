// The router model test's checker: drives a TenantRouter and the
// ReferenceModel with the same steps and says where they first disagree, or
// where the router breaks one of its invariants.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "engine/routing/tenant_router.h"
#include "tests/routing/model_steps.h"
#include "tests/routing/reference_model.h"

namespace routerd::testing {

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

}  // namespace routerd::testing
