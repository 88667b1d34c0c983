// AgentPresence: which agents are signed in and how many sessions each holds,
// as the router last reported (kAgentState, and the load carried by
// assignments, messages and ended sessions), for leave messages: the
// allocator allocates only to signed-in agents and retries a queue's
// Allocation failed messages when one of its agents signs in; processing and
// call-backs need an idle agent (agent_idle.h).
//
// Thread safety: OnRoutingEvents on shard threads; SignedIn from any thread
// (atomics per agent, no lock); AddAgents from one thread at a time.
// A tenant a reload adds joins at its first AddAgents.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/append_only_array.h"
#include "engine/base/grow_only_index.h"
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
  // position; all of them for a tenant not known yet), before its router may
  // report them.
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
  struct Tenant {
    explicit Tenant(std::string tenant_id) : id(std::move(tenant_id)) {}
    const std::string id;
    base::AppendOnlyArray<Agent> agents;  // by agent index
  };
  const Agent* Find(std::string_view tenant_id, std::string_view employee_id) const;
  // AddAgents but for the Publish that makes a new tenant visible.
  void StageAgents(const config::TenantConfig& tenant);
  // Tenants are only added; each tenant's agents only grow.
  base::GrowOnlyIndex<Tenant> tenants_;
  SignedInHook hook_;
};

}  // namespace routerd::daemon
