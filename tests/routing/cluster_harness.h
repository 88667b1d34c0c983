// Drives a Router of two tenants step by step, for the cluster-mode tests:
// tenant 0 ("t0") is the one that moves between instances, tenant 1 ("t1")
// shows that the others are left alone.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "engine/routing/policy_registry.h"
#include "engine/routing/router.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {

inline constexpr std::int64_t kSec = 1'000'000'000;

// Every kind of state a tenant router keeps: round-robin turns, sticky
// customers, after-contact work, caps from the agent (a2), its OU (a1) and
// the tenant (a3), not-ready reasons, overflow into a second queue.
inline config::TenantConfig ClusterTenant(std::string id) {
  return TenantBuilder(std::move(id), 3)
      .IdleTimeout(600)
      .NotReadyReasons({"lunch"})
      .Ou("root")
      .Ou("team", "root", 2)
      .Queue("q", "round_robin", 60, 1000, "q2")
      .Sticky(600, 30)
      .WrapUp(5)
      .Queue("q2", "least_busy", 120)
      .Agent("a1", "team", {"q", "q2"})
      .Agent("a2", "root", {"q", "q2"}, 3)
      .Agent("a3", "root", {"q"})
      .Channel("web", "q")
      .Channel("mail", "q2")
      .Build();
}

// A session id as the router makes them.
constexpr std::uint64_t SessionId(std::uint64_t seq, std::uint32_t slot) {
  return (seq << routing::kSessionSlotBits) | slot;
}

// Every field of an event as text; reading it touches every string_view.
inline std::string Describe(const routing::RoutingEvent& e) {
  std::string out = std::to_string(static_cast<int>(e.type));
  auto add = [&](std::string_view name, std::string_view value) {
    out.append(" ").append(name).append("=").append(value);
  };
  add("tenant_id", e.tenant_id);
  add("tenant", std::to_string(e.tenant));
  add("session", std::to_string(e.session_id));
  add("agent", std::to_string(e.agent));
  add("employee", e.employee_id);
  add("queue", e.queue_id);
  add("customer", e.contact ? std::string_view(e.contact->customer_id) : "-");
  add("messages", std::to_string(e.MessageCount()));
  add("strategy", e.strategy);
  add("cap", std::to_string(e.effective_cap) + "/" + std::string(routing::CapOriginName(e.cap_origin)));
  add("cap_ou", e.cap_origin_ou);
  add("active", std::to_string(e.active_sessions));
  add("wrap_ups", std::to_string(e.wrap_ups) + "/" + std::to_string(e.wrap_up_ns));
  add("not_ready", e.not_ready_reason);
  add("waited", std::to_string(e.waited_ns));
  add("end", routing::EndReasonName(e.end_reason));
  add("leave", routing::LeaveReasonName(e.leave_reason));
  add("state", routing::AgentStateName(e.agent_state));
  add("correlation", std::to_string(e.correlation));
  add("result", std::to_string(static_cast<int>(e.result)));
  add("error", e.error);
  return out;
}

class ClusterHarness {
 public:
  explicit ClusterHarness(routing::TenantRouterOptions options = {})
      : configs_{ClusterTenant("t0"), ClusterTenant("t1")} {
    EXPECT_TRUE(routing::RegisterBuiltinPolicies(policies_).ok());
    const config::TenantConfig* tenants[] = {&configs_[0], &configs_[1]};
    router_ = std::make_unique<routing::Router>(tenants, policies_, options);
  }

  routing::Router& router() { return *router_; }
  routing::TenantRouter& tenant(std::uint32_t t) { return router_->tenant(t); }
  std::int64_t now() const { return now_; }
  void Advance(std::int64_t ns) { now_ += ns; }
  void Tick() { router_->OnTick(now_); }

  std::uint32_t Agent(std::uint32_t t, const std::string& employee_id) {
    auto i = tenant(t).FindAgent(employee_id);
    EXPECT_TRUE(i.has_value()) << employee_id;
    return i.value_or(0);
  }

  // A contact from `customer` on channel `channel` of tenant `t`.
  void Contact(std::uint32_t t, const std::string& channel, const std::string& customer,
               const std::string& preferred_agent = "") {
    auto c = std::make_shared<routerd::Contact>();
    c->tenant_id = configs_[t].id;
    c->channel_id = channel;
    c->customer_id = customer;
    c->text = "hi";
    c->provider_message_id = "m" + std::to_string(++message_seq_);
    c->preferred_agent = preferred_agent;
    const std::uint32_t ch = tenant(t).FindChannel(channel).value();
    router_->OnContact(t, ch, std::move(c), routing::SessionKeyHash(ch, customer), now_);
  }

  // A command to an agent, with a correlation id.
  routing::AgentCommand MakeCommand(std::uint32_t t, routing::AgentCommandType type, const std::string& employee_id) {
    routing::AgentCommand c;
    c.type = type;
    c.tenant = t;
    c.target = Agent(t, employee_id);
    c.correlation = ++correlation_;
    return c;
  }
  // The command's result, kInternal when no kCommandResult came.
  StatusCode Run(const routing::AgentCommand& c) {
    router_->OnCommand(c, now_);
    StatusCode code = StatusCode::kInternal;
    for (const auto& e : router_->events()) {
      if (e.type == routing::RoutingEventType::kCommandResult && e.correlation == c.correlation) code = e.result;
    }
    return code;
  }
  StatusCode Command(std::uint32_t t, routing::AgentCommandType type, const std::string& employee_id) {
    return Run(MakeCommand(t, type, employee_id));
  }
  void SignInReady(std::uint32_t t, const std::string& employee_id) {
    EXPECT_EQ(Command(t, routing::AgentCommandType::kSignIn, employee_id), StatusCode::kOk);
    EXPECT_EQ(Command(t, routing::AgentCommandType::kReady, employee_id), StatusCode::kOk);
  }

  std::vector<routing::RoutingEvent> Take() {
    std::vector<routing::RoutingEvent> out;
    out.swap(router_->events());
    return out;
  }
  std::vector<std::string> TakeDescribed() {
    std::vector<std::string> out;
    for (const auto& e : Take()) out.push_back(Describe(e));
    return out;
  }

 private:
  std::array<config::TenantConfig, 2> configs_;
  routing::PolicyRegistry policies_;
  std::unique_ptr<routing::Router> router_;
  std::int64_t now_ = 1000 * kSec;
  std::uint64_t correlation_ = 0;
  std::uint64_t message_seq_ = 0;
};

}  // namespace routerd::testing
