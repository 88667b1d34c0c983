#include "engine/daemon/daemon.h"

#include <spdlog/spdlog.h>

#include "engine/daemon/stored_settings.h"
#include "engine/gateway/api_common.h"

namespace routerd::daemon {
namespace {

storage::StorageOptions StorageOptionsFromConfig(const config::Config& config) {
  const config::StorageOptions& c = config.storage;
  storage::StorageOptions o;
  o.backend = c.backend;
  o.data_dir = config::ResolvedDataDir(config);
  o.url = c.url;
  o.partitions = config::JournalPartitions(config);
  for (const auto& t : config.tenants) o.tenants.push_back(t.id);
  o.durability = c.durability;
  o.queue_capacity = static_cast<std::size_t>(c.journal_queue_capacity);
  o.retention_ms = static_cast<std::int64_t>(c.dedup_retention_seconds) * 1000;
  o.max_voice_bytes = static_cast<std::size_t>(c.max_voice_bytes);
  if (config.cluster.enabled) {
    o.cluster_instance_id = config.cluster.instance_id;
    o.cluster_lease_ms = config.cluster.lease_ms;
  }
  return o;
}

}  // namespace

StatusOr<std::unique_ptr<Daemon>> Daemon::Create(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
                                                 std::unique_ptr<routing::PolicyRegistry> policies) {
  // Storage outlives nothing but the daemon; a process-wide clock serves it.
  static const SystemClock kStorageClock;
  auto storage = storage::OpenStorage(StorageOptionsFromConfig(config), kStorageClock);
  if (!storage.ok()) return storage.status();
  // In cluster mode each tenant's state is read when this instance takes it over.
  std::optional<storage::OpenState> state;
  if (!config.cluster.enabled) {
    auto loaded = (*storage)->LoadOpenState();
    if (!loaded.ok()) return loaded.status();
    state = std::move(loaded).value();
  }
  auto administration = (*storage)->administration().Load();
  if (!administration.ok()) return administration.status();
  const AppliedDefinitions defined =
      ApplyStoredDefinitions(config, administration->definitions,
                             {adapters->Kinds(), policies->Names(), adapters.get()});
  const AppliedSettings applied = ApplyStoredCaps(config, administration->caps);
  if (defined.queues > 0 || defined.channels > 0 || defined.ous > 0 || defined.agents > 0 || applied.caps > 0 ||
      !administration->tokens.empty()) {
    spdlog::info(
        "stored administration: {} skill queue, {} channel, {} OU and {} agent definitions and {} cap settings "
        "applied over the configuration file, {} API tokens",
        defined.queues, defined.channels, defined.ous, defined.agents, applied.caps, administration->tokens.size());
  }
  for (const std::string& line : defined.skipped) spdlog::warn("stored definition skipped: {}", line);
  for (const std::string& line : applied.skipped) spdlog::warn("stored setting skipped: {}", line);
  return std::unique_ptr<Daemon>(new Daemon(std::move(config), std::move(adapters), std::move(policies),
                                            std::move(storage).value(), std::move(state),
                                            std::move(administration).value()));
}

Daemon::Daemon(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
               std::unique_ptr<routing::PolicyRegistry> policies, std::unique_ptr<storage::Storage> storage,
               std::optional<storage::OpenState> open_state, storage::AdministrationState administration)
    : config_(std::move(config)),
      running_file_(config_.source_text),
      adapters_(std::move(adapters)),
      policies_(std::move(policies)),
      storage_(std::move(storage)),
      open_state_(std::move(open_state)),
      presence_(config_),
      dedup_(static_cast<std::int64_t>(config_.server.dedup_window_seconds) * 1000,
             static_cast<std::size_t>(config_.server.dedup_max_entries)) {
  const auto& server = config_.server;
  const auto& storage_options = config_.storage;
  const bool cluster = config_.cluster.enabled;
  ownership_ = std::make_unique<cluster::TenantOwnership>(config_, clock_);
  // Single node: every consumer sees each batch as the router makes it. Cluster
  // mode: the gate (added last) stores it under the tenant's lease, and what
  // reaches agents, the console and the leave-message store follows the commit.
  RoutingEventFanout& pushes = cluster ? gated_pushes_ : fanout_;
  // The journal first: a session is stored before the leave message that ends it.
  session_journal_ = std::make_unique<SessionJournal>(*storage_, clock_);
  leave_forwarder_ = std::make_unique<LeaveMessageForwarder>(clock_, storage_->leave_messages());
  if (!cluster) fanout_.Add(session_journal_.get());
  pushes.Add(leave_forwarder_.get());
  fanout_.Add(&routing_metrics_);
  pushes.Add(&presence_);
  shard::RouterShardOptions shard_options = shard::ShardOptionsFromConfig(server);
  shard_options.tenant.emit_session_opened = true;
  // An ended session's trace is kept no longer than its stored rows.
  shard_options.tenant.ended_trace_retention_ns =
      static_cast<std::int64_t>(storage_options.dedup_retention_seconds) * 1'000'000'000;
  shards_ = std::make_unique<shard::ShardSet>(config_, *policies_, shard_options, clock_, fanout_);
  webhook_metrics_ = std::make_unique<metrics::WebhookMetrics>(adapters_->Kinds());
  webhooks_ = std::make_unique<http::WebhookHandler>(config_, *shards_, dedup_, storage_->leave_messages(),
                                                     *webhook_metrics_, clock_, server.io_threads, storage_.get(),
                                                     storage_options.durability);
  auth_ = std::make_unique<gateway::Authenticator>(config_);
  AddStoredTokens(administration.tokens);
  synced_definitions_ = std::move(administration.definitions);
  broker_ = std::make_unique<gateway::CommandBroker>(*shards_);
  cap_changes_ = std::make_unique<gateway::CapChanges>(*broker_, storage_->administration());
  agent_gateway_ = std::make_unique<gateway::AgentGateway>(
      config_, *shards_, *broker_, *cap_changes_, clock_, std::chrono::seconds(server.agent_grace_seconds),
      static_cast<std::size_t>(server.agent_outbox_limit));
  pushes.Add(broker_.get());
  pushes.Add(agent_gateway_.get());

  auto notify = [this](const std::string& tenant, const std::string& employee, std::string json) {
    agent_gateway_->Notify(tenant, employee, std::move(json));
  };
  leave::AllocatorOptions allocator_options;
  allocator_options.poll_interval_ms = static_cast<std::int64_t>(storage_options.allocation_poll_seconds) * 1000;
  if (cluster) {
    allocator_options.routes_tenant = [this](const std::string& tenant) { return ownership_->RoutedHere(tenant); };
  }
  allocator_options.tenants_in_effect = [this] { return TenantsInEffect(); };
  allocator_ = std::make_unique<leave::LeaveMessageAllocator>(
      config_, storage_->leave_messages(),
      [this](const std::string& tenant, const std::string& employee) { return presence_.SignedIn(tenant, employee); },
      notify, allocator_options);
  presence_.SetSignedInHook([this](const std::string& tenant, const std::string& employee) {
    allocator_->OnAgentSignedIn(tenant, employee);
  });
  // A call the telephony never took is kept in the message's history as failed.
  dialer_ = std::make_unique<leave::Dialer>(
      config_, clock_, [this](const leave::CallRequest& call, const Status& why) {
        Status s = storage_->leave_messages().RecordAuditAsync(
            call.tenant_id, call.message_id, leave::LeaveAudit::kCallFailed,
            leave::CallAuditDetail(call.call_id, why.message().substr(0, 400)), leave::Actor{"dialer", {}},
            [](StatusOr<leave::StoredLeaveMessage>) {});
        if (!s.ok()) spdlog::warn("call {}: cannot record its failure: {}", call.call_id, s.ToString());
      });
  dialer_callbacks_ = std::make_unique<leave::DialerCallbacks>(config_, storage_->leave_messages(), clock_);
  dialer_callbacks_->SetTenantLookup([this](std::string_view tenant) -> const config::TenantConfig* {
    const std::optional<shard::TenantRef> ref = shards_->directory().FindTenant(tenant);
    return ref ? ref->config : nullptr;
  });
  leave::LeaveMessageApi::Hooks hooks;
  hooks.notify_allocated = notify;
  hooks.on_created = [this](const leave::StoredLeaveMessage&) { allocator_->Kick(); };
  hooks.agent_activity = [this](const std::string& tenant, const std::string& employee) {
    return presence_.Activity(tenant, employee);
  };
  hooks.request_call = [this](leave::CallRequest call) { return dialer_->Request(std::move(call)); };
  hooks.tenant_in_effect = [this](const std::string& tenant) { return shards_->tenant_configs().Get(tenant); };
  leave_api_ = std::make_unique<leave::LeaveMessageApi>(config_, storage_->leave_messages(), clock_, std::move(hooks));
  token_api_ = std::make_unique<gateway::TokenApi>(
      *auth_, storage_->administration(), *agent_gateway_,
      [this](std::string_view tenant, std::uint64_t serial) { console_->CloseWallboardsOfToken(tenant, serial); });
  api_ = std::make_unique<gateway::ApiHandler>(
      *auth_, *shards_, *broker_, *agent_gateway_, *token_api_, *cap_changes_, clock_,
      [this](http::HttpRequest& request, std::string_view path, const gateway::Principal& who,
             http::RequestContext& ctx) { return leave_api_->Handle(request, path, who, ctx); },
      [this](const http::HttpRequest& head, std::string_view path, const gateway::Principal& who,
             std::size_t default_limit) { return leave_api_->AdmitBody(head, path, who, default_limit); });
  trace_reads_ = leave::TaskThread::Create("rd-traces");
  api_->SetTraceLookup([this](std::string tenant, std::uint64_t session_id, gateway::ApiHandler::TraceDone done) {
    trace_reads_->Post([this, tenant = std::move(tenant), session_id, done] {
      done(storage_->LoadSessionTrace(tenant, session_id));
    }, [done] { done(Status(StatusCode::kInternal, "the read failed (logged)")); });
  });
  console_ = std::make_unique<console::Console>(config_, *shards_, *auth_, clock_);
  console_->SetAgentActivity([this](const std::string& tenant, const std::string& employee) {
    return presence_.Activity(tenant, employee);
  });
  pushes.Add(console_->feed());
  if (cluster) {
    cluster_ = std::make_unique<ClusterRuntime>(
        ClusterRuntime::Parts{config_, *storage_, *shards_, *agent_gateway_, *console_, clock_,
                              [this] { SyncStoredAdministration(); },
                              [this](const storage::AdministrationState& stored) {
                                ApplySyncedDefinitions(stored.definitions);
                              }},
        *ownership_, gated_pushes_);
    fanout_.Add(&cluster_->gate());
    webhooks_->SetOwnership(ownership_.get());
    gateway::OwnerCheck owner = [this](std::string_view tenant) {
      gateway::TenantOwner o;
      o.here = ownership_->RoutedHere(tenant);
      if (!o.here) o.url = ownership_->OwnerUrl(tenant);
      return o;
    };
    api_->SetOwnerCheck(owner);
    console_->SetOwnerCheck(owner);
  }
  reloads_ = leave::TaskThread::Create("rd-reload");
  // Provisioning runs where reloads do, one change of the configuration at a time.
  provisioning_api_ = std::make_unique<gateway::ProvisioningApi>([this](gateway::ProvisioningApi::Change change,
                                                                        gateway::ProvisioningApi::Done done) {
    reloads_->Post([this, change = std::move(change), done] { done(Provision(change)); },
                   [done] { done(gateway::FromCode(StatusCode::kUnavailable, "the daemon is stopping")); });
  });
  api_->SetProvisioningApi(provisioning_api_.get());
  operator_api_ = std::make_unique<gateway::OperatorApi>(
      config_.operator_tokens, [this](std::function<void(gateway::ReloadReport)> done) {
        reloads_->Post([this, done] { done(Reload()); }, [done] {
          gateway::ReloadReport failed;
          failed.failed = true;
          done(std::move(failed));
        });
      });
  router_ = std::make_unique<http::HttpRouter>(
      *webhooks_,
      std::vector<http::HttpRouter::MetricsRenderer>{[this](metrics::PrometheusWriter& out) { RenderMetrics(out); }},
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        if (gateway::OperatorApi::Serves(path)) return operator_api_->Handle(request, path, ctx);
        return api_->Handle(request, path, ctx);
      },
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return console_->Handle(request, path, ctx);
      },
      [this](const http::HttpRequest& head, std::string_view path, std::size_t default_limit) {
        if (gateway::OperatorApi::Serves(path)) return operator_api_->AdmitBody(head, path);
        return api_->AdmitBody(head, path, default_limit);
      },
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return dialer_callbacks_->Handle(request, path, ctx);
      });
  router_->SetHealthCheck([this]() -> std::optional<http::HttpRouter::Degradation> {
    std::string storage = storage_->Degraded();
    if (storage.empty()) return std::nullopt;
    return http::HttpRouter::Degradation{"storage", std::move(storage)};
  });
  http::HttpServerOptions options;
  options.listen = server.listen;
  options.io_threads = server.io_threads;
  options.max_body_bytes = static_cast<std::size_t>(server.max_body_bytes);
  options.max_header_bytes = static_cast<std::size_t>(server.max_header_bytes);
  options.read_timeout = std::chrono::seconds(server.read_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(server.idle_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(server.shutdown_grace_seconds);
  options.max_connections = static_cast<std::size_t>(server.max_connections);
  options.auth_failures.burst = server.auth_failure_burst;
  options.auth_failures.per_minute = server.auth_failures_per_minute;
  http_server_ = std::make_unique<http::HttpServer>(options, *router_);
}

Daemon::~Daemon() { Stop(); }

Status Daemon::Start() {
  ROUTERD_RETURN_IF_ERROR(storage_->Start());
  agent_gateway_->Start();
  ROUTERD_RETURN_IF_ERROR(Recover());
  shards_->Start();
  console_->Start();
  running_ = true;
  if (Status s = http_server_->Start(); !s.ok()) {
    Stop();
    return s;
  }
  if (cluster_) {
    if (Status s = cluster_->Start(); !s.ok()) {
      Stop();
      return Status(s.code(), "cluster: " + s.message());
    }
  }
  allocator_->Start();
  dialer_->Start();
  return Status::Ok();
}

void Daemon::Stop() {
  if (!running_) return;
  running_ = false;
  // First: every tenant is handed over while this instance still serves, so
  // the others take them at once rather than after the leases expire.
  if (cluster_) cluster_->Stop();
  allocator_->Stop();
  // Agent WebSockets and console feeds are not HTTP requests in flight: close
  // them first, or the HTTP server's I/O threads never run out of work.
  agent_gateway_->CloseConnections();
  console_->Stop();
  // Requests in flight finish (sync ingest waits for its commit: the journal
  // still runs) and are handed to the shards, which then drain.
  http_server_->Stop();
  // Reads the message API still had queued hold their requests' sessions.
  leave_api_->Stop();
  trace_reads_->Stop();
  reloads_->Stop();
  // Calls not yet handed to the telephony are abandoned; the journal still runs
  // for the failures reported before.
  dialer_->Stop();
  webhooks_->FlushAll();
  shards_->Stop();
  agent_gateway_->Stop();
  // Last: what the shards emitted while draining is written too.
  storage_->Stop();
}

}  // namespace routerd::daemon
