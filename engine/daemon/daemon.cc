#include "engine/daemon/daemon.h"

#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "routerd/builtin_adapters.h"

namespace routerd::daemon {
namespace {

storage::StorageOptions StorageOptionsFromConfig(const config::Config& config) {
  const config::StorageOptions& c = config.storage;
  storage::StorageOptions o;
  o.backend = c.backend;
  o.data_dir = config::ResolvedDataDir(config);
  o.partitions = config::JournalPartitions(config);
  for (const auto& t : config.tenants) o.tenants.push_back(t.id);
  o.durability = c.durability;
  o.queue_capacity = static_cast<std::size_t>(c.journal_queue_capacity);
  o.retention_ms = static_cast<std::int64_t>(c.dedup_retention_seconds) * 1000;
  o.max_voice_bytes = static_cast<std::size_t>(c.max_voice_bytes);
  return o;
}

}  // namespace

StatusOr<std::unique_ptr<Daemon>> Daemon::Create(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
                                                 std::unique_ptr<routing::PolicyRegistry> policies) {
  // Storage outlives nothing but the daemon; a process-wide clock serves it.
  static const SystemClock kStorageClock;
  auto storage = storage::OpenStorage(StorageOptionsFromConfig(config), kStorageClock);
  if (!storage.ok()) return storage.status();
  auto state = (*storage)->LoadOpenState();
  if (!state.ok()) return state.status();
  return std::unique_ptr<Daemon>(new Daemon(std::move(config), std::move(adapters), std::move(policies),
                                            std::move(storage).value(), std::move(state).value()));
}

Daemon::Daemon(config::Config config, std::unique_ptr<AdapterRegistry> adapters,
               std::unique_ptr<routing::PolicyRegistry> policies, std::unique_ptr<storage::Storage> storage,
               storage::OpenState open_state)
    : config_(std::move(config)),
      adapters_(std::move(adapters)),
      policies_(std::move(policies)),
      storage_(std::move(storage)),
      open_state_(std::move(open_state)),
      presence_(config_),
      dedup_(static_cast<std::int64_t>(config_.server.dedup_window_seconds) * 1000,
             static_cast<std::size_t>(config_.server.dedup_max_entries)) {
  const auto& server = config_.server;
  const auto& storage_options = config_.storage;
  // The journal first: a session is stored before the leave message that ends it.
  session_journal_ = std::make_unique<SessionJournal>(*storage_, clock_);
  leave_forwarder_ = std::make_unique<LeaveMessageForwarder>(clock_, storage_->leave_messages());
  fanout_.Add(session_journal_.get());
  fanout_.Add(leave_forwarder_.get());
  fanout_.Add(&routing_metrics_);
  fanout_.Add(&presence_);
  shard::RouterShardOptions shard_options = shard::ShardOptionsFromConfig(server);
  shard_options.tenant.emit_session_opened = true;
  shards_ = std::make_unique<shard::ShardSet>(config_, *policies_, shard_options, clock_, fanout_);
  webhook_metrics_ = std::make_unique<metrics::WebhookMetrics>(adapters_->Kinds());
  webhooks_ = std::make_unique<http::WebhookHandler>(config_, *shards_, dedup_, storage_->leave_messages(),
                                                     *webhook_metrics_, clock_, server.io_threads, storage_.get(),
                                                     storage_options.durability);
  auth_ = std::make_unique<gateway::Authenticator>(config_);
  broker_ = std::make_unique<gateway::CommandBroker>(*shards_);
  agent_gateway_ = std::make_unique<gateway::AgentGateway>(
      config_, *shards_, *broker_, std::chrono::seconds(server.agent_grace_seconds),
      static_cast<std::size_t>(server.agent_outbox_limit));
  fanout_.Add(broker_.get());
  fanout_.Add(agent_gateway_.get());

  auto notify = [this](const std::string& tenant, const std::string& employee, std::string json) {
    agent_gateway_->Notify(tenant, employee, std::move(json));
  };
  leave::AllocatorOptions allocator_options;
  allocator_options.poll_interval_ms = static_cast<std::int64_t>(storage_options.allocation_poll_seconds) * 1000;
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
  leave::LeaveMessageApi::Hooks hooks;
  hooks.notify_allocated = notify;
  hooks.on_created = [this](const leave::StoredLeaveMessage&) { allocator_->Kick(); };
  hooks.agent_activity = [this](const std::string& tenant, const std::string& employee) {
    return presence_.Activity(tenant, employee);
  };
  hooks.request_call = [this](leave::CallRequest call) { return dialer_->Request(std::move(call)); };
  leave_api_ = std::make_unique<leave::LeaveMessageApi>(config_, storage_->leave_messages(), clock_, std::move(hooks));
  api_ = std::make_unique<gateway::ApiHandler>(
      *auth_, *shards_, *broker_, *agent_gateway_, clock_,
      [this](http::HttpRequest& request, std::string_view path, const gateway::Principal& who,
             http::RequestContext& ctx) { return leave_api_->Handle(request, path, who, ctx); },
      [this](const http::HttpRequest& head, std::string_view path, const gateway::Principal& who,
             std::size_t default_limit) { return leave_api_->AdmitBody(head, path, who, default_limit); });
  console_ = std::make_unique<console::Console>(config_, *shards_, *auth_, clock_);
  console_->SetAgentActivity([this](const std::string& tenant, const std::string& employee) {
    return presence_.Activity(tenant, employee);
  });
  fanout_.Add(console_->feed());
  router_ = std::make_unique<http::HttpRouter>(
      *webhooks_,
      std::vector<http::HttpRouter::MetricsRenderer>{[this](metrics::PrometheusWriter& out) { RenderMetrics(out); }},
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return api_->Handle(request, path, ctx);
      },
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return console_->Handle(request, path, ctx);
      },
      [this](const http::HttpRequest& head, std::string_view path, std::size_t default_limit) {
        return api_->AdmitBody(head, path, default_limit);
      },
      [this](http::HttpRequest& request, std::string_view path, http::RequestContext& ctx) {
        return dialer_callbacks_->Handle(request, path, ctx);
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
  allocator_->Start();
  dialer_->Start();
  return Status::Ok();
}

// Sessions come back in their shards (restored on the shard thread before
// anything else it runs), then the contacts that were accepted but never
// routed follow as ordinary contacts and join their customers' sessions.
Status Daemon::Recover() {
  storage::OpenState state = std::move(*open_state_);
  open_state_.reset();
  recovery_.dedup_keys = state.dedup_keys;
  recovery_.leave_messages = state.leave_messages;
  const std::int64_t now_ns = clock_.NowNs();
  const std::int64_t now_ms = clock_.WallMs();
  const bool keep_assignments = config_.server.agent_grace_seconds > 0;
  const auto& directory = shards_->directory();

  struct Restore {
    std::uint32_t tenant;
    routing::TenantRouter::RestoredSession session;
  };
  std::vector<std::vector<Restore>> per_shard(shards_->size());
  for (storage::RecoveredSession& r : state.sessions) {
    auto tenant = directory.FindTenant(r.tenant_id);
    auto channel = tenant ? directory.FindChannel(*tenant, r.channel_id) : std::nullopt;
    if (!tenant || !channel || r.contacts.empty()) {
      ++recovery_.skipped;
      continue;
    }
    routing::TenantRouter::RestoredSession session;
    session.id = r.session_id;
    session.channel = *channel;
    const auto& channels = tenant->config->channels;
    auto queue = directory.FindQueue(*tenant, r.queue_id);
    if (!queue) queue = directory.FindQueue(*tenant, channels[*channel].skill_queue);
    if (!queue) {
      ++recovery_.skipped;
      continue;
    }
    session.queue = *queue;
    session.arrival_ns = now_ns - std::max<std::int64_t>(0, now_ms - r.arrival_ms) * 1'000'000;
    session.contacts = std::move(r.contacts);
    if (r.employee_id && keep_assignments) {
      if (auto agent = directory.FindAgent(*tenant, *r.employee_id)) {
        session.agent = *agent;
        if (gateway::AgentChannel* ch = agent_gateway_->Channel(r.tenant_id, *r.employee_id)) {
          agent_gateway_->BeginRecoveredGrace(*ch);
        }
      }
    }
    (session.agent == routing::kNone ? recovery_.waiting_sessions : recovery_.assigned_sessions) += 1;
    per_shard[tenant->shard].push_back(Restore{tenant->tenant, std::move(session)});
  }
  // Session ids handed to agents before a crash may not have reached the
  // journal; new ones must not repeat them. So new ids start above the
  // largest stored id and above a floor that grows with the wall clock (one
  // sequence number per millisecond since 2020, in the 40 bits above the slot
  // index), which the sequence of the previous run only passes when a tenant
  // opened more than a thousand sessions per second over its whole uptime.
  constexpr std::int64_t kIdEpochMs = 1'577'836'800'000;  // 2020-01-01T00:00:00Z
  const std::uint64_t id_floor = static_cast<std::uint64_t>(std::max<std::int64_t>(0, now_ms - kIdEpochMs))
                                 << routing::kSessionSlotBits;
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> max_ids;
    for (const auto& [tenant_id, max_id] : state.max_session_id) {
      auto tenant = directory.FindTenant(tenant_id);
      if (tenant && tenant->shard == i) max_ids.emplace_back(tenant->tenant, std::max(max_id, id_floor));
    }
    shards_->shard(i).Post([restores = std::move(per_shard[i]), max_ids = std::move(max_ids), now_ns,
                            id_floor](routing::Router& router) mutable {
      for (Restore& r : restores) {
        if (Status s = router.tenant(r.tenant).Restore(std::move(r.session), now_ns); !s.ok()) {
          spdlog::warn("session not restored: {}", s.message());
        }
      }
      // Once per tenant: above its largest stored id, or the floor.
      std::vector<std::uint64_t> above(router.tenant_count(), id_floor);
      for (const auto& [tenant, max_id] : max_ids) above[tenant] = max_id;
      for (std::uint32_t t = 0; t < router.tenant_count(); ++t) router.tenant(t).FinishRestore(above[t]);
    });
  }

  shard::ShardSet::Producer producer(*shards_);
  for (const ContactPtr& c : state.pending_contacts) {
    auto tenant = directory.FindTenant(c->tenant_id);
    auto channel = tenant ? directory.FindChannel(*tenant, c->channel_id) : std::nullopt;
    if (!tenant || !channel) {
      ++recovery_.skipped;
      continue;
    }
    ContactPtr one[] = {c};
    // Before the shards start their queues only fill: a backlog larger than
    // a queue cannot be restored in one go.
    if (Status s = shards_->SubmitContacts(producer, *tenant, *channel, one); !s.ok()) {
      return Status::ResourceExhausted("more contacts to restore than router_queue_capacity (" +
                                       std::to_string(config_.server.router_queue_capacity) +
                                       ") holds: raise it for this start");
    }
    ++recovery_.pending_contacts;
  }
  return Status::Ok();
}

void Daemon::Stop() {
  if (!running_) return;
  running_ = false;
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
  // Calls not yet handed to the telephony are abandoned; the journal still runs
  // for the failures reported before.
  dialer_->Stop();
  webhooks_->FlushAll();
  shards_->Stop();
  agent_gateway_->Stop();
  // Last: what the shards emitted while draining is written too.
  storage_->Stop();
}

void Daemon::RenderMetrics(metrics::PrometheusWriter& out) const {
  webhook_metrics_->Render(out);
  const auto& r = routing_metrics_;
  out.Family("routerd_router_assignments_total", "counter", "Sessions assigned to agents.");
  out.Sample("routerd_router_assignments_total", {}, r.assigned());
  out.Family("routerd_router_messages_to_agents_total", "counter", "Contacts delivered to the agent of their session.");
  out.Sample("routerd_router_messages_to_agents_total", {}, r.messages_to_agents());
  out.Family("routerd_router_sessions_ended_total", "counter", "Sessions that left their agent, by reason.");
  for (auto reason : {routing::EndReason::kClosed, routing::EndReason::kIdleTimeout, routing::EndReason::kRequeued,
                      routing::EndReason::kTransferred}) {
    out.Sample("routerd_router_sessions_ended_total", {{"reason", routing::EndReasonName(reason)}}, r.ended(reason));
  }
  out.Family("routerd_router_leave_messages_total", "counter", "Sessions that became leave messages, by reason.");
  for (auto reason : {routing::LeaveReason::kQueueFull, routing::LeaveReason::kMaxWait,
                      routing::LeaveReason::kIdleTimeout}) {
    out.Sample("routerd_router_leave_messages_total", {{"reason", routing::LeaveReasonName(reason)}},
               r.leave_messages(reason));
  }
  out.Family("routerd_router_command_errors_total", "counter", "Agent commands the router refused.");
  out.Sample("routerd_router_command_errors_total", {}, r.command_errors());
  out.Family("routerd_shard_queue_depth", "gauge", "Items waiting in a router shard's queues (approximate).");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_queue_depth", {{"shard", std::to_string(i)}},
               static_cast<std::uint64_t>(shards_->shard(i).QueueDepthApprox()));
  }
  out.Family("routerd_shard_inputs_total", "counter", "Contacts and commands a router shard processed.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_inputs_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().inputs.load(std::memory_order_relaxed));
  }
  out.Family("routerd_shard_drains_total", "counter", "Times a router shard woke to drain its queues.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_drains_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().drains.load(std::memory_order_relaxed));
  }
  out.Family("routerd_shard_rejected_full_total", "counter", "Hand-offs refused because a shard queue was full.");
  for (std::uint32_t i = 0; i < shards_->size(); ++i) {
    out.Sample("routerd_shard_rejected_full_total", {{"shard", std::to_string(i)}},
               shards_->shard(i).counters().rejected_full.load(std::memory_order_relaxed));
  }
  http_server_->RenderMetrics(out);
  const auto& g = agent_gateway_->counters();
  out.Family("routerd_agent_messages_delivered_total", "counter", "Messages handed to agent connections.");
  out.Sample("routerd_agent_messages_delivered_total", {}, g.delivered.load(std::memory_order_relaxed));
  out.Family("routerd_agent_messages_buffered_total", "counter", "Messages kept for agents in their grace period.");
  out.Sample("routerd_agent_messages_buffered_total", {}, g.buffered.load(std::memory_order_relaxed));
  out.Family("routerd_agent_slow_disconnects_total", "counter", "Agent connections closed for falling behind.");
  out.Sample("routerd_agent_slow_disconnects_total", {}, g.slow_closed.load(std::memory_order_relaxed));
  out.Family("routerd_agent_grace_sign_outs_total", "counter", "Agents signed out after the grace period.");
  out.Sample("routerd_agent_grace_sign_outs_total", {}, g.grace_sign_outs.load(std::memory_order_relaxed));
  out.Family("routerd_agents_connected", "gauge", "Agents with an open WebSocket.");
  out.Sample("routerd_agents_connected", {}, static_cast<std::uint64_t>(agent_gateway_->connected()));
  out.Family("routerd_dedup_entries", "gauge", "Provider message ids remembered for deduplication.");
  out.Sample("routerd_dedup_entries", {}, static_cast<std::uint64_t>(dedup_.SizeApprox()));
  const storage::JournalStats j = storage_->stats();
  out.Family("routerd_journal_records_total", "counter", "Journal records written (any outcome).");
  out.Sample("routerd_journal_records_total", {}, j.records);
  out.Family("routerd_journal_commits_total", "counter", "Journal batch commits (one fsync each).");
  out.Sample("routerd_journal_commits_total", {}, j.commits);
  out.Family("routerd_journal_failed_batches_total", "counter", "Journal batches whose commit failed.");
  out.Sample("routerd_journal_failed_batches_total", {}, j.failed_batches);
  out.Family("routerd_journal_refused_total", "counter", "Records refused because the journal queue was full.");
  out.Sample("routerd_journal_refused_total", {}, j.refused);
  out.Family("routerd_journal_queue_depth", "gauge", "Records waiting for the journal writer.");
  out.Sample("routerd_journal_queue_depth", {}, j.queue_depth);
  out.Family("routerd_journal_last_batch_records", "gauge", "Records in the last committed batch.");
  out.Sample("routerd_journal_last_batch_records", {}, j.last_batch_records);
  out.Family("routerd_journal_pruned_total", "counter", "Rows removed after the retention period.");
  out.Sample("routerd_journal_pruned_total", {{"kind", "contact"}}, j.pruned_contacts);
  out.Sample("routerd_journal_pruned_total", {{"kind", "session_event"}}, j.pruned_session_events);
  out.Family("routerd_journal_session_batches_refused_total", "counter",
             "Router batches of session events the full journal refused.");
  out.Sample("routerd_journal_session_batches_refused_total", {}, session_journal_->refused());
  const auto& ingest = webhooks_->ingest_counters();
  out.Family("routerd_ingest_journal_failures_total", "counter", "Webhook requests the journal could not store.");
  out.Sample("routerd_ingest_journal_failures_total", {}, ingest.storage_failed.load(std::memory_order_relaxed));
  out.Family("routerd_ingest_late_duplicates_total", "counter",
             "Async durability: contacts routed, then found already stored (retries beyond the memory window).");
  out.Sample("routerd_ingest_late_duplicates_total", {}, ingest.late_duplicates.load(std::memory_order_relaxed));
  const leave::LeaveStoreStats l = storage_->leave_messages().stats();
  out.Family("routerd_leave_messages_stored_total", "counter", "Leave messages from the router committed.");
  out.Sample("routerd_leave_messages_stored_total", {}, l.sink_stored);
  out.Family("routerd_leave_messages_lost_total", "counter", "Leave messages from the router refused or failed.");
  out.Sample("routerd_leave_messages_lost_total", {}, l.sink_refused + l.sink_failed);
}

namespace {

void LogStartupSummary(const config::Config& c, std::uint16_t port) {
  std::size_t agents = 0, channels = 0, queues = 0;
  for (const auto& t : c.tenants) {
    agents += t.agents.size();
    channels += t.channels.size();
    queues += t.skill_queues.size();
  }
  const std::string& listen = c.server.listen;
  spdlog::info("routerd started: listening on {}:{}, config {}, {} router shard(s), {} I/O thread(s)",
               listen.substr(0, listen.rfind(':')), port, c.source_path, c.server.router_shards,
               c.server.io_threads);
  spdlog::info("{} tenant(s), {} agent(s), {} skill queue(s), {} channel(s)", c.tenants.size(), agents, queues,
               channels);
}

}  // namespace

int Main(int argc, const char* const* argv) {
  auto cl = ParseCommandLine(argc, argv);
  if (!cl.ok()) {
    std::fprintf(stderr, "routerd: %s\n%s", cl.status().message().c_str(), UsageText().c_str());
    return 2;
  }
  if (cl->mode == CommandLine::Mode::kHelp) {
    std::fputs(UsageText().c_str(), stdout);
    return 0;
  }
  if (cl->mode == CommandLine::Mode::kVersion) {
    std::puts("routerd 0.1.0");
    return 0;
  }

  auto adapters = std::make_unique<AdapterRegistry>();
  auto policies = std::make_unique<routing::PolicyRegistry>();
  if (Status s = RegisterBuiltinAdapters(*adapters); !s.ok()) {
    std::fprintf(stderr, "routerd: %s\n", s.ToString().c_str());
    return 1;
  }
  if (Status s = routing::RegisterBuiltinPolicies(*policies); !s.ok()) {
    std::fprintf(stderr, "routerd: %s\n", s.ToString().c_str());
    return 1;
  }
  config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigFile(cl->config_path, schema);
  if (!loaded.errors.empty()) {
    for (const std::string& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    std::fprintf(stderr, "routerd: %zu error(s) in %s\n", loaded.errors.size(), cl->config_path.c_str());
    return 2;
  }
  if (cl->mode == CommandLine::Mode::kCheckConfig) {
    std::fputs(config::FormatConfigSummary(*loaded.config).c_str(), stdout);
    std::printf("%s: OK\n", cl->config_path.c_str());
    return 0;
  }

  spdlog::set_level(spdlog::level::from_str(loaded.config->server.log_level));
  auto created = Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  if (!created.ok()) {
    // stderr, like configuration errors: the log may be elsewhere.
    std::fprintf(stderr, "routerd: cannot start: %s\n", created.status().message().c_str());
    return 1;
  }
  Daemon& daemon = **created;
  // Installed before the daemon starts (and before it says so): a SIGTERM or
  // SIGINT that arrives during start-up drains and stops like any other,
  // instead of killing the process with the signal's default action.
  boost::asio::io_context main_io(1);
  boost::asio::signal_set signals(main_io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (!ec) spdlog::info("signal {} received: draining", signo);
  });
  if (Status s = daemon.Start(); !s.ok()) {
    std::fprintf(stderr, "routerd: cannot start: %s\n", s.message().c_str());
    return 1;
  }
  LogStartupSummary(daemon.config(), daemon.http_port());
  const Daemon::Recovery& r = daemon.recovery();
  spdlog::info("storage {}: restored {} waiting and {} assigned session(s), {} contact(s) to route, {} dedup key(s), "
               "{} leave message(s){}",
               config::ResolvedDataDir(daemon.config()), r.waiting_sessions, r.assigned_sessions, r.pending_contacts,
               r.dedup_keys, r.leave_messages,
               r.skipped ? fmt::format("; {} skipped (tenant or channel no longer configured)", r.skipped) : "");

  main_io.run();

  daemon.Stop();
  const auto& m = daemon.routing_metrics();
  const storage::JournalStats j = daemon.storage().stats();
  spdlog::info("routerd stopped: {} assignment(s), {} journal record(s) in {} commit(s)", m.assigned(), j.records,
               j.commits);
  return 0;
}

}  // namespace routerd::daemon
