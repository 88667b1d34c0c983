// AgentPresence: which agents are signed in and how many sessions each holds,
// as the router last reported (kAgentState, and the load carried by
// assignments, messages and ended sessions), for leave messages: the
// allocator allocates only to signed-in agents and retries a queue's
// Allocation failed messages when one of its agents signs in; processing and
// call-backs need an idle agent (agent_idle.h).
//
// Thread safety: OnRoutingEvents on shard threads; SignedIn from any thread
// (atomics per agent, no lock); AddAgents from one thread at a time.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/append_only_array.h"
#include "engine/config/config.h"
#include "engine/leave/agent_idle.h"
#include "engine/routing/routing_events.h"

namespace routerd::daemon {

class AgentPresence final : public routing::RoutingEventSink {
 public:
  // Called on a shard thread when an agent goes from signed out to signed in.
  using SignedInHook = std::function<void(const std::string& tenant_id, const std::string& employee_id)>;

  explicit AgentPresence(const config::Config& config);

  // Before the shards start.
  void SetSignedInHook(SignedInHook hook) { hook_ = std::move(hook); }
  // The agents a reload added to `tenant` (those past the ones known, by
  // position), before its router may report them.
  void AddAgents(const config::TenantConfig& tenant);
  bool SignedIn(std::string_view tenant_id, std::string_view employee_id) const;
  // nullopt for an unknown agent.
  std::optional<leave::AgentActivity> Activity(std::string_view tenant_id, std::string_view employee_id) const;

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

 private:
  struct Agent {
    std::string employee_id;  // written before the agent is published
    std::atomic<bool> signed_in{false};
    std::atomic<std::uint32_t> active_sessions{0};
  };
  using Tenant = base::AppendOnlyArray<Agent>;  // by agent index
  const Agent* Find(std::string_view tenant_id, std::string_view employee_id) const;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // The map is read-only after construction; each tenant's agents may grow.
  std::unordered_map<std::string, Tenant, NameHash, std::equal_to<>> tenants_;
  SignedInHook hook_;
};

}  // namespace routerd::daemon
