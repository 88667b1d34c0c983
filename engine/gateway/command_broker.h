// CommandBroker: sends an AgentCommand to its tenant's router shard and calls
// back with the router's answer (the kCommandResult event with the same
// correlation id). Used by the agent WebSocket (ack / error) and the REST API.
//
// Thread safety: Submit from any thread; the callback runs on the shard thread
// (or at once on the caller's thread when the command cannot be queued), so it
// must only hand the result on (post to a connection), never block.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"

namespace routerd::gateway {

class CommandBroker final : public routing::RoutingEventSink {
 public:
  using Callback = std::function<void(StatusCode code, std::string_view error)>;

  explicit CommandBroker(shard::ShardSet& shards) : shards_(shards) {}

  void Submit(const shard::TenantRef& tenant, routing::AgentCommand command, Callback done);

  // routing::RoutingEventSink: completes the callbacks of kCommandResult events.
  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  std::size_t pending() const;

 private:
  shard::ShardSet& shards_;
  std::atomic<std::uint64_t> next_correlation_{1};
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Callback> pending_;  // guarded by mu_
  std::mutex producer_mu_;
  std::unique_ptr<shard::ShardSet::Producer> producer_;  // guarded by producer_mu_ (control plane)
};

}  // namespace routerd::gateway
