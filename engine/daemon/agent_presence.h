// AgentPresence: which agents are signed in and how many sessions each holds,
// as the router last reported (kAgentState, and the load carried by
// assignments, messages and ended sessions), for leave messages: the
// allocator allocates only to signed-in agents and retries a queue's
// Allocation failed messages when one of its agents signs in; processing and
// call-backs need an idle agent (agent_idle.h).
//
// Thread safety: OnRoutingEvents on shard threads; SignedIn from any thread
// (atomics per agent, no lock).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
  bool SignedIn(std::string_view tenant_id, std::string_view employee_id) const;
  // nullopt for an unknown agent.
  std::optional<leave::AgentActivity> Activity(std::string_view tenant_id, std::string_view employee_id) const;

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

 private:
  struct Tenant {
    std::vector<std::string> employee_ids;  // by agent index
    std::unique_ptr<std::atomic<bool>[]> signed_in;
    std::unique_ptr<std::atomic<std::uint32_t>[]> active_sessions;
  };
  const Tenant* Find(std::string_view tenant_id, std::string_view employee_id, std::size_t& index) const;
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Tenant, NameHash, std::equal_to<>> tenants_;  // read-only after construction
  SignedInHook hook_;
};

}  // namespace routerd::daemon
