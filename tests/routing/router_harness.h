// Drives one TenantRouter step by step with explicit times, for tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/routing/policy_registry.h"
#include "engine/routing/tenant_router.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {

inline constexpr std::int64_t kSecond = 1'000'000'000;

class RouterHarness {
 public:
  explicit RouterHarness(const config::TenantConfig& tenant, routing::TenantRouterOptions options = {})
      : config_(tenant) {
    EXPECT_TRUE(routing::RegisterBuiltinPolicies(policies_).ok());
    router_ = std::make_unique<routing::TenantRouter>(0, config_, policies_, options, &events_);
  }

  routing::TenantRouter& router() { return *router_; }
  std::int64_t now() const { return now_; }
  void Advance(std::int64_t ns) { now_ += ns; }

  std::uint32_t AgentIndex(const std::string& employee_id) {
    auto i = router_->FindAgent(employee_id);
    EXPECT_TRUE(i.has_value()) << employee_id;
    return i.value_or(0);
  }

  routerd::StatusCode Command(routing::AgentCommandType type, const std::string& employee_id,
                              std::optional<std::uint32_t> cap = std::nullopt, std::uint64_t session = 0) {
    routing::AgentCommand c;
    c.type = type;
    c.target = AgentIndex(employee_id);
    c.cap = cap;
    c.session_id = session;
    c.correlation = ++correlation_;
    return Run(c);
  }
  routerd::StatusCode Run(const routing::AgentCommand& c) {
    router_->OnCommand(c, now_);
    routerd::StatusCode code = routerd::StatusCode::kInternal;
    for (const auto& e : events_) {
      if (e.type == routing::RoutingEventType::kCommandResult && e.correlation == c.correlation) code = e.result;
    }
    return code;
  }
  void SignInReady(const std::string& employee_id) {
    EXPECT_EQ(Command(routing::AgentCommandType::kSignIn, employee_id), StatusCode::kOk);
    EXPECT_EQ(Command(routing::AgentCommandType::kReady, employee_id), StatusCode::kOk);
  }
  routerd::StatusCode SetOuCap(const std::string& ou, std::optional<std::uint32_t> cap) {
    routing::AgentCommand c;
    c.type = routing::AgentCommandType::kSetOuCap;
    c.target = router_->FindOu(ou).value();
    c.cap = cap;
    c.correlation = ++correlation_;
    return Run(c);
  }
  routerd::StatusCode SetTenantCap(std::optional<std::uint32_t> cap) {
    routing::AgentCommand c;
    c.type = routing::AgentCommandType::kSetTenantCap;
    c.cap = cap;
    c.correlation = ++correlation_;
    return Run(c);
  }
  routerd::StatusCode Close(const std::string& employee_id, std::uint64_t session) {
    return Command(routing::AgentCommandType::kCloseSession, employee_id, std::nullopt, session);
  }

  // A contact from `customer` on the channel with id `channel`.
  void Contact(const std::string& channel, const std::string& customer, const std::string& text = "hi") {
    auto c = std::make_shared<routerd::Contact>();
    c->tenant_id = config_.id;
    c->channel_id = channel;
    c->customer_id = customer;
    c->text = text;
    c->provider_message_id = "m" + std::to_string(++message_seq_);
    router_->OnContact(router_->FindChannel(channel).value(), std::move(c), now_);
  }
  void Tick() { router_->OnTick(now_); }

  std::vector<routing::RoutingEvent> Take() {
    std::vector<routing::RoutingEvent> out;
    out.swap(events_);
    return out;
  }
  // Events of one type since the last Take(), consumed.
  std::vector<routing::RoutingEvent> Take(routing::RoutingEventType type) {
    std::vector<routing::RoutingEvent> out;
    for (auto& e : Take()) {
      if (e.type == type) out.push_back(std::move(e));
    }
    return out;
  }
  // customer -> employee for each assignment since the last Take(), in order.
  std::vector<std::pair<std::string, std::string>> TakeAssignments() {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& e : Take(routing::RoutingEventType::kAssigned)) {
      out.emplace_back(e.contact->customer_id, std::string(e.employee_id));
    }
    return out;
  }
  std::uint32_t Active(const std::string& employee_id) {
    return static_cast<std::uint32_t>(router_->Agent(AgentIndex(employee_id)).session_slots.size());
  }
  std::uint64_t SessionOf(const std::string& employee_id, std::size_t i = 0) {
    auto view = router_->Agent(AgentIndex(employee_id));
    return router_->SessionIdAtSlot(view.session_slots[i]);
  }

 private:
  config::TenantConfig config_;
  routing::PolicyRegistry policies_;
  std::vector<routing::RoutingEvent> events_;
  std::unique_ptr<routing::TenantRouter> router_;
  std::int64_t now_ = 1000 * kSecond;
  std::uint64_t correlation_ = 0;
  std::uint64_t message_seq_ = 0;
};

}  // namespace routerd::testing
