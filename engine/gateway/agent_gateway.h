// AgentGateway: delivers what the router decides to the agents' WebSocket
// connections, and runs the disconnect grace period.
//
// DESIGN
// Every configured agent has an AgentChannel, made at start-up or when a
// reload adds the agent, and never removed (a removed agent's is marked
// retired), so routing events find their recipient by (tenant, agent index)
// through tables that only grow, with no lock. A channel holds the agent's
// current connection (one at a time: a new one replaces the old), or, during
// the grace period after a disconnect, the messages the agent is missing
// (bounded). Events are rendered to JSON once, on the shard thread, and handed
// to the connection, which coalesces its wake-ups (see AgentWsSession).
// When an agent's connection drops, the agent keeps its sessions for
// `agent_grace_seconds`, resting (not ready) so that no new session waits on
// someone who is not there; reconnecting within it resumes them, makes it ready
// again if it was, and replays what was missed; otherwise the gateway signs
// the agent out and the router puts its sessions back in their queues at their
// original arrival time.
// Cluster mode: when the tenant moves to another instance, its channels are
// reset here (CloseTenantConnections): the owner rebuilds its routing state
// and runs the grace period of its agents; this instance keeps nothing.
//
// Thread safety: OnRoutingEvents runs on shard threads; Attach/Detach on I/O
// threads; a channel's own mutex guards its connection and missed messages.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "engine/base/append_only_array.h"
#include "engine/base/grow_only_index.h"
#include "engine/gateway/cap_changes.h"
#include "engine/gateway/command_broker.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"
#include "routerd/clock.h"

namespace routerd::gateway {

class AgentWsSession;
using Message = std::shared_ptr<const std::string>;

struct AgentChannel {
  shard::TenantRef tenant;
  std::uint32_t agent = 0;
  std::string employee_id;
  // A reload removed the agent: no connection is accepted for it.
  std::atomic<bool> retired{false};

  std::mutex mu;
  std::weak_ptr<AgentWsSession> connection;  // guarded by mu
  // Which connection is attached, by identity: a connection whose channel
  // was reset meanwhile (CloseTenantConnections) must not start a grace
  // period when it detaches. Guarded by mu; never dereferenced.
  const AgentWsSession* attached = nullptr;
  bool in_grace = false;                     // guarded by mu
  std::uint64_t generation = 0;              // guarded by mu; bumps on attach and detach
  std::deque<Message> missed;                // guarded by mu; during the grace period only
  // The agent's state as last reported by the router, and whether the
  // gateway rested it for its grace period (so it becomes ready again when it
  // comes back). Both guarded by mu.
  routing::AgentState last_state = routing::AgentState::kSignedOut;
  bool resume_ready = false;
};

struct GatewayCounters {
  std::atomic<std::uint64_t> delivered{0};     // messages handed to a connection
  std::atomic<std::uint64_t> buffered{0};      // kept for an agent in its grace period
  std::atomic<std::uint64_t> dropped{0};       // past the bound while away, or nobody to tell
  std::atomic<std::uint64_t> slow_closed{0};   // connections closed for falling behind
  std::atomic<std::uint64_t> grace_sign_outs{0};
};

class AgentGateway final : public routing::RoutingEventSink {
 public:
  AgentGateway(const config::Config& config, shard::ShardSet& shards, CommandBroker& broker, CapChanges& caps,
               const Clock& clock, std::chrono::seconds grace, std::size_t outbox_limit);
  ~AgentGateway();

  void Start();
  void Stop();
  // Closes every agent connection and refuses new ones: the daemon is
  // stopping, and an open WebSocket would keep its I/O thread running (the
  // HTTP server's Stop would wait for it forever). Call before the HTTP
  // server's Stop.
  void CloseConnections();
  // Closes the tenant's agent connections opened with the token of this
  // serial (Principal::token_serial: revoked, or removed from the file) with
  // 4003; how many. From any thread.
  std::size_t CloseConnectionsOfToken(std::string_view tenant_id, std::uint64_t token_serial);
  // Cluster mode: the tenant is routed by another instance from now on (or
  // is being taken over), so its routing state is dropped here and rebuilt
  // there. Closes each of its open agent connections with 4004, the reason
  // being `owner_url` (or "owner unknown: reconnect" when it is empty or
  // longer than a close reason may be), and resets each of its channels
  // (ResetChannel). How many connections were closed. From any thread.
  std::size_t CloseTenantConnections(std::string_view tenant_id, std::string_view owner_url);
  // The channel as if its agent had never connected: no connection, no grace
  // period running (a grace end or sign-out retry still pending does nothing:
  // the generation moves on), no missed messages, nothing to resume, last
  // state signed out. A sign-out already handed to the router is not
  // recalled. Returns the connection it had, for the caller to close.
  std::shared_ptr<AgentWsSession> ResetChannel(AgentChannel& channel);

  // nullptr when the tenant has no such agent (or a reload removed it).
  AgentChannel* Channel(std::string_view tenant_id, std::string_view employee_id);

  // A reloaded tenant's agents (by position, as its router has them): before
  // its router applies it, channels for the agents it adds; after, the
  // removed agents' channels marked retired and their connections closed
  // with 4005 (how many), and those that came back open again. From one
  // thread at a time (the reload).
  void AddAgents(const config::TenantConfig& tenant);
  std::size_t RetireRemovedAgents(const config::TenantConfig& tenant);

  // A connection for the agent is open: it replaces any other, and receives
  // what was missed during a grace period. False (and nothing changes) once
  // CloseConnections has run.
  bool Attach(AgentChannel& channel, const std::shared_ptr<AgentWsSession>& session);
  // The connection is gone: the grace period starts. `undelivered` holds what
  // it had not written yet; it is kept for the agent's return (delivery is at
  // least once: the message being written when the connection died may have
  // reached the agent).
  void Detach(AgentChannel& channel, const AgentWsSession* session, std::deque<Message> undelivered);

  // Restart recovery, before the router restores the agent's sessions: the
  // agent is treated as disconnected in its grace period, so the restored
  // sessions are kept for it (and replayed when it connects) or, if it does
  // not come back in time, it is signed out and they go back to their queues.
  // It comes back resting (not ready): it says when it is ready again.
  void BeginRecoveredGrace(AgentChannel& channel);

  // A message for the agent that is not a routing event (a leave message was
  // allocated to it). Delivered like the rest; dropped when it is away.
  void Notify(std::string_view tenant_id, std::string_view employee_id, std::string json);

  // routing::RoutingEventSink
  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  std::size_t outbox_limit() const { return outbox_limit_; }
  const GatewayCounters& counters() const { return counters_; }
  GatewayCounters& mutable_counters() { return counters_; }
  shard::ShardSet& shards() { return shards_; }
  CommandBroker& broker() { return broker_; }
  CapChanges& caps() { return caps_; }
  std::size_t connected() const;

 private:
  void Deliver(AgentChannel& channel, Message message);
  void EndGrace(AgentChannel& channel, std::uint64_t generation);
  void SubmitSignOut(AgentChannel& channel, std::uint64_t generation);
  void SubmitState(AgentChannel& channel, routing::AgentCommandType type);
  AgentChannel* ChannelFor(const routing::RoutingEvent& e);
  // AddAgents but for the Publish that makes a new tenant visible.
  void StageAgents(const config::TenantConfig& tenant);

  shard::ShardSet& shards_;
  CommandBroker& broker_;
  CapChanges& caps_;
  const Clock& clock_;
  const std::chrono::seconds grace_;
  const std::size_t outbox_limit_;
  // tenant id -> its agents' channels, by agent index. Tenants are only
  // added (AddAgents of a tenant a reload adds), each tenant's channels only
  // grow; looked up by string_view, so a routing event costs no allocation.
  using Channels = base::AppendOnlyArray<std::unique_ptr<AgentChannel>>;
  base::GrowOnlyIndex<Channels> channels_;
  GatewayCounters counters_;
  std::atomic<bool> closing_{false};  // read under a channel's mutex (see Attach)
  // Grace-period timers run here.
  boost::asio::io_context timers_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> timers_work_;
  std::thread timer_thread_;
};

}  // namespace routerd::gateway
