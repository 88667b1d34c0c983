// AgentPresence: which agents are signed in, as the router last reported
// (kAgentState events), for the leave-message allocator: it allocates only to
// signed-in agents and retries a queue's Allocation failed messages when one
// of its agents signs in.
//
// Thread safety: OnRoutingEvents on shard threads; SignedIn from any thread
// (one atomic per agent, no lock).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/config/config.h"
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

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

 private:
  struct Tenant {
    std::vector<std::string> employee_ids;  // by agent index
    std::unique_ptr<std::atomic<bool>[]> signed_in;
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Tenant, NameHash, std::equal_to<>> tenants_;  // read-only after construction
  SignedInHook hook_;
};

}  // namespace routerd::daemon
