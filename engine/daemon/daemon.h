// Daemon: the composition root. Owns every component, wires them through their
// narrow interfaces, and starts and stops them in order. No routing or protocol
// logic lives here.
//
// Thread safety: Start/Stop/Run from the main thread only.
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/config/agent_changes.h"
#include "engine/config/config_diff.h"
#include "engine/config/config.h"
#include "engine/console/console.h"
#include "engine/daemon/command_line.h"
#include "engine/cluster/tenant_ownership.h"
#include "engine/daemon/agent_presence.h"
#include "engine/daemon/cluster_runtime.h"
#include "engine/daemon/routing_event_fanout.h"
#include "engine/daemon/session_journal.h"
#include "engine/gateway/provisioning_api.h"
#include "engine/gateway/agent_gateway.h"
#include "engine/gateway/api_handler.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/command_broker.h"
#include "engine/gateway/operator_api.h"
#include "engine/gateway/token_api.h"
#include "engine/ingest/dedup_window.h"
#include "engine/http/http_router.h"
#include "engine/http/http_server.h"
#include "engine/http/webhook_handler.h"
#include "engine/metrics/webhook_metrics.h"
#include "engine/leave/dialer.h"
#include "engine/leave/dialer_callbacks.h"
#include "engine/leave/leave_message_allocator.h"
#include "engine/leave/leave_message_api.h"
#include "engine/leave/task_thread.h"
#include "engine/metrics/routing_metrics.h"
#include "engine/routing/policy_registry.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage.h"
#include "routerd/adapter_registry.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class Daemon {
 public:
  // Opens the database under the configured data directory (created on first
  // start; a corrupt, truncated or newer one is refused with a Status that
  // says what to do, never reset) and loads what a restart needs. `config`
  // must have been loaded against `adapters` and `policies`.
  static StatusOr<std::unique_ptr<Daemon>> Create(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
                                                  std::unique_ptr<routing::PolicyRegistry> policies);
  ~Daemon();

  // Starts the journal, brings back what the database held (sessions waiting
  // or assigned, contacts accepted but not yet routed), starts the router
  // shards, then the HTTP server. Error when the listen address cannot be used.
  Status Start();
  // Stops taking requests (those in flight finish), drains the router shards,
  // writes what the journal still holds, stops. Idempotent.
  void Stop();
  std::uint16_t http_port() const { return http_server_->port(); }

  // Reads the configuration file again (SIGHUP, or POST /api/v1/operator/reload).
  // An invalid file changes nothing (`errors`, each file:line: key: why, also
  // logged). A valid one applies at once: its tokens (the tenants' and the
  // operators'; connections of a removed tenant token are closed with 4003),
  // its agents' OUs, types, queues, skills, names and accounts (agents stay
  // signed in; config/agent_changes.h, TenantRouter::ApplyAgentConfig), its
  // caps and limits (TenantRouter::ApplyFileCaps, ApplyFileLimits), and its
  // tenants added and removed (daemon_tenants.cc; one node only).
  // Every other change is named in `needs_restart` and the log, and applies
  // at the next start. Run-time changes made through the API are not
  // touched. Not from a shard thread; one reload at a time.
  using ReloadResult = gateway::ReloadReport;
  ReloadResult Reload();

  const config::Config& config() const { return config_; }
  shard::ShardSet& shards() { return *shards_; }
  const metrics::RoutingMetrics& routing_metrics() const { return routing_metrics_; }
  leave::LeaveRepository& leave_messages() { return storage_->leave_messages(); }
  storage::Storage& storage() { return *storage_; }
  const metrics::WebhookMetrics& webhook_metrics() const { return *webhook_metrics_; }
  gateway::AgentGateway& agent_gateway() { return *agent_gateway_; }
  // What Start restored (for the log and the tests).
  struct Recovery {
    std::uint64_t waiting_sessions = 0;
    std::uint64_t assigned_sessions = 0;
    std::uint64_t pending_contacts = 0;
    std::uint64_t skipped = 0;  // sessions or contacts whose tenant or channel is no longer configured
    std::uint64_t dedup_keys = 0;
    std::uint64_t leave_messages = 0;
  };
  const Recovery& recovery() const { return recovery_; }

 private:
  Daemon(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
         std::unique_ptr<routing::PolicyRegistry> policies, std::unique_ptr<storage::Storage> storage,
         std::optional<storage::OpenState> open_state, storage::AdministrationState administration);
  Status Recover();
  // Every tenant routed here (not retired), with its configuration in effect.
  std::vector<std::shared_ptr<const config::TenantConfig>> TenantsInEffect() const;
  // A tenant the reloaded file adds (`file`, with the stored definitions
  // applied; `file_text` the reloaded file): routed from now on, then
  // reachable (daemon_tenants.cc). Under reload_mu_.
  void AddTenant(const config::TenantConfig& file, std::string_view file_text,
                 const storage::AdministrationState& stored, ReloadResult& result);
  // A tenant the reloaded file no longer has: retired unless it has sessions
  // open (then named in needs_restart). Under reload_mu_.
  void RetireTenant(const shard::TenantRef& ref, ReloadResult& result);
  // The parts of a reload (daemon_reload.cc), for one tenant the file keeps.
  void ReloadTokens(const config::TenantConfig& running, const config::TenantConfig& reloaded, ReloadResult& result);
  // The tenant's skill queues, channels, OUs and agents (unless `restructured`:
  // its access mode or a queue's media changed too), on its shard; with
  // `file_settings` also the caps and limits `reloaded` sets.
  void ReloadRouting(const config::TenantConfig& reloaded, bool restructured, bool file_settings,
                     ReloadResult& result);
  // Skill queues, OUs and agents added, changed and removed (a reload's or the provisioning
  // API's): `agents.tenant` is the tenant as it is to be, by position. With
  // `also` in the same shard task; then the tenant published. How many agent
  // connections were closed (removed agents'). Under reload_mu_.
  StatusOr<std::size_t> ApplyMemberChanges(const shard::TenantRef& ref, const config::AgentChanges& agents,
                                           const std::function<void(routing::TenantRouter&, std::int64_t)>& also);
  // The provisioning API's change (gateway/provisioning_api.h), on the
  // reload thread (daemon_provisioning.cc).
  http::HttpResponse Provision(const gateway::ProvisioningApi::Change& change);
  http::HttpResponse ProvisionAgent(const gateway::ProvisioningApi::Change& change,
                                    const config::TenantConfig& live, const shard::TenantRef& ref);
  http::HttpResponse ProvisionOu(const gateway::ProvisioningApi::Change& change, const config::TenantConfig& live,
                                 const shard::TenantRef& ref);
  // daemon_provision_queues.cc
  http::HttpResponse ProvisionQueue(const gateway::ProvisioningApi::Change& change,
                                    const config::TenantConfig& live, const shard::TenantRef& ref);
  // daemon_provision_channels.cc
  http::HttpResponse ProvisionChannel(const gateway::ProvisioningApi::Change& change,
                                      const config::TenantConfig& live, const shard::TenantRef& ref);
  // Why channel `next` may not be created, or replace `running`, in `live`:
  // its id is another tenant's, its kind changes, or its kind is new in
  // per-channel-kind access. The 409, else nullopt.
  std::optional<http::HttpResponse> ChannelConflict(const config::TenantConfig& live, const config::ChannelConfig& next,
                                                    const config::ChannelConfig* running);
  // Why queue `id` may not be removed from `desired` (the tenant in effect
  // less retired objects) now: the 409 (or the shard's error), else nullopt.
  std::optional<http::HttpResponse> QueueRemovalConflict(const config::TenantConfig& desired,
                                                         const shard::TenantRef& ref, const std::string& id);
  // Stores a run-time definition, waits until it is durable, then applies
  // `changes` (ApplyMemberChanges); how many agent connections were closed.
  StatusOr<std::size_t> StoreAndApply(storage::StoredDefinition definition, const shard::TenantRef& ref,
                                      const config::AgentChanges& changes);
  void AddStoredTokens(const std::vector<storage::StoredToken>& tokens, bool report_skipped = true);
  // Cluster mode (daemon_administration_sync.cc): what the provisioning and
  // token APIs stored through other instances, read every few seconds on the
  // reload thread and before a takeover on the cluster thread.
  void SyncStoredAdministration();
  void SyncStoredTokens(const std::vector<storage::StoredToken>& tokens);
  // The stored definitions applied over the tenants in effect, unless they
  // are those applied last. Takes reload_mu_.
  void ApplySyncedDefinitions(const std::vector<storage::StoredDefinition>& definitions);
  void RenderMetrics(metrics::PrometheusWriter& out) const;

  const config::Config config_;
  // The tenants reloads added, at addresses that never change (TenantRef,
  // Principal and the dialer point into them); reload thread only.
  std::deque<config::TenantConfig> added_tenants_;
  // What the next reload compares the file with (under reload_mu_).
  config::RunningFile running_file_;
  std::unique_ptr<AdapterRegistry> adapters_;
  std::unique_ptr<routing::PolicyRegistry> policies_;
  SystemClock clock_;
  metrics::RoutingMetrics routing_metrics_;
  std::unique_ptr<storage::Storage> storage_;
  std::optional<storage::OpenState> open_state_;  // consumed by Start; none in cluster mode
  std::unique_ptr<cluster::TenantOwnership> ownership_;
  Recovery recovery_;
  std::unique_ptr<SessionJournal> session_journal_;
  std::unique_ptr<LeaveMessageForwarder> leave_forwarder_;
  AgentPresence presence_;
  RoutingEventFanout fanout_;
  RoutingEventFanout gated_pushes_;  // cluster mode: what follows the commit gate
  std::unique_ptr<shard::ShardSet> shards_;
  std::unique_ptr<metrics::WebhookMetrics> webhook_metrics_;
  ingest::DedupWindow dedup_;
  std::unique_ptr<http::WebhookHandler> webhooks_;
  std::unique_ptr<gateway::Authenticator> auth_;
  std::unique_ptr<gateway::CommandBroker> broker_;
  std::unique_ptr<gateway::CapChanges> cap_changes_;
  std::unique_ptr<gateway::AgentGateway> agent_gateway_;
  std::unique_ptr<gateway::TokenApi> token_api_;
  std::unique_ptr<gateway::ProvisioningApi> provisioning_api_;
  std::unique_ptr<leave::LeaveMessageAllocator> allocator_;
  std::unique_ptr<leave::Dialer> dialer_;
  std::unique_ptr<leave::DialerCallbacks> dialer_callbacks_;
  std::unique_ptr<leave::LeaveMessageApi> leave_api_;
  std::unique_ptr<gateway::ApiHandler> api_;
  // Reads of kept route traces (ApiHandler::SetTraceLookup), off the I/O threads.
  std::shared_ptr<leave::TaskThread> trace_reads_;
  std::unique_ptr<console::Console> console_;
  // The operator routes, and the thread their reloads run on.
  std::unique_ptr<gateway::OperatorApi> operator_api_;
  std::shared_ptr<leave::TaskThread> reloads_;
  std::mutex reload_mu_;  // one Reload at a time (the signal's and the route's)
  // The stored definitions in effect here as last read (under reload_mu_).
  std::vector<storage::StoredDefinition> synced_definitions_;
  std::atomic<bool> sync_queued_{false};  // a SyncStoredAdministration waits on the reload thread
  std::unique_ptr<http::HttpRouter> router_;
  std::unique_ptr<http::HttpServer> http_server_;
  std::unique_ptr<ClusterRuntime> cluster_;  // cluster mode only
  bool running_ = false;
};

// The whole program: parses the command line, loads the configuration, runs
// until SIGINT or SIGTERM. Returns the process exit code (0 ok, 2 bad
// configuration or usage, 1 failure at start-up).
int Main(int argc, const char* const* argv);

}  // namespace routerd::daemon
