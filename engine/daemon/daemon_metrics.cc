// The daemon's /metrics: every component's counters and gauges in one
// Prometheus text page, rendered on the request's I/O thread from atomic
// counters and configuration snapshots, without asking a shard.
#include "engine/daemon/daemon.h"
#include "engine/metrics/queue_metrics.h"

namespace routerd::daemon {

void Daemon::RenderMetrics(metrics::PrometheusWriter& out) const {
  webhook_metrics_->Render(out);
  const auto& r = routing_metrics_;
  out.One("routerd_router_assignments_total", "counter", "Sessions assigned to agents.", r.assigned());
  out.One("routerd_router_messages_to_agents_total", "counter", "Contacts delivered to the agent of their session.",
          r.messages_to_agents());
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
  out.One("routerd_router_command_errors_total", "counter", "Agent commands the router refused.", r.command_errors());
  std::vector<metrics::QueueStatisticsRef> queues;
  // The queues in effect, by the routers' indices (their positions); the
  // names are views into these.
  std::vector<std::shared_ptr<const config::TenantConfig>> in_effect;
  for (const shard::TenantRef& ref : shards_->directory().Tenants()) {
    const std::shared_ptr<const config::TenantConfig>& tenant =
        in_effect.emplace_back(shards_->tenant_configs().Get(ref.config->id));
    for (std::uint32_t q = 0; q < tenant->skill_queues.size(); ++q) {
      if (tenant->skill_queues[q].retired) continue;
      queues.push_back(
          {tenant->id, tenant->skill_queues[q].id, &shards_->shard(ref.shard).Statistics(ref.tenant, q)});
    }
  }
  metrics::RenderQueueStatistics(out, queues);
  // One sample per shard.
  auto per_shard = [&](std::string_view name, std::string_view type, std::string_view help, auto value_of) {
    out.Family(name, type, help);
    for (std::uint32_t i = 0; i < shards_->size(); ++i) {
      out.Sample(name, {{"shard", std::to_string(i)}}, static_cast<std::uint64_t>(value_of(shards_->shard(i))));
    }
  };
  per_shard("routerd_shard_queue_depth", "gauge", "Items waiting in a router shard's queues (approximate).",
            [](const shard::RouterShard& s) { return s.QueueDepthApprox(); });
  per_shard("routerd_shard_inputs_total", "counter", "Contacts and commands a router shard processed.",
            [](const shard::RouterShard& s) { return s.counters().inputs.load(std::memory_order_relaxed); });
  per_shard("routerd_shard_drains_total", "counter", "Times a router shard woke to drain its queues.",
            [](const shard::RouterShard& s) { return s.counters().drains.load(std::memory_order_relaxed); });
  per_shard("routerd_shard_rejected_full_total", "counter", "Hand-offs refused because a shard queue was full.",
            [](const shard::RouterShard& s) { return s.counters().rejected_full.load(std::memory_order_relaxed); });
  http_server_->RenderMetrics(out);
  if (cluster_) cluster_->RenderMetrics(out);
  const auto& g = agent_gateway_->counters();
  out.One("routerd_agent_messages_delivered_total", "counter", "Messages handed to agent connections.",
          g.delivered.load(std::memory_order_relaxed));
  out.One("routerd_agent_messages_buffered_total", "counter", "Messages kept for agents in their grace period.",
          g.buffered.load(std::memory_order_relaxed));
  out.One("routerd_agent_slow_disconnects_total", "counter", "Agent connections closed for falling behind.",
          g.slow_closed.load(std::memory_order_relaxed));
  out.One("routerd_agent_grace_sign_outs_total", "counter", "Agents signed out after the grace period.",
          g.grace_sign_outs.load(std::memory_order_relaxed));
  out.One("routerd_agents_connected", "gauge", "Agents with an open WebSocket.",
          static_cast<std::uint64_t>(agent_gateway_->connected()));
  out.One("routerd_dedup_entries", "gauge", "Provider message ids remembered for deduplication.",
          static_cast<std::uint64_t>(dedup_.SizeApprox()));
  const storage::JournalStats j = storage_->stats();
  out.One("routerd_journal_records_total", "counter", "Journal records written (any outcome).", j.records);
  out.One("routerd_journal_commits_total", "counter", "Journal batch commits (one fsync each).", j.commits);
  out.One("routerd_journal_failed_batches_total", "counter", "Journal batches whose commit failed.", j.failed_batches);
  out.One("routerd_journal_refused_total", "counter", "Records refused because the journal queue was full.", j.refused);
  out.One("routerd_journal_queue_depth", "gauge", "Records waiting for the journal writer.", j.queue_depth);
  out.One("routerd_journal_last_batch_records", "gauge", "Records in the last committed batch.", j.last_batch_records);
  out.One("routerd_storage_reconnects_total", "counter",
          "Connections to the storage server re-established after it was lost.",
          j.reconnects);
  out.One("routerd_storage_unavailable_writers", "gauge",
          "Journal writers whose storage server cannot be reached now (webhooks answer 503).",
          j.unavailable_partitions);
  out.Family("routerd_journal_pruned_total", "counter", "Rows removed after the retention period.");
  out.Sample("routerd_journal_pruned_total", {{"kind", "contact"}}, j.pruned_contacts);
  out.Sample("routerd_journal_pruned_total", {{"kind", "session_event"}}, j.pruned_session_events);
  out.One("routerd_journal_session_batches_refused_total", "counter",
          "Router batches of session events the full journal refused.",
          session_journal_->refused());
  const auto& ingest = webhooks_->ingest_counters();
  out.One("routerd_ingest_journal_failures_total", "counter", "Webhook requests the journal could not store.",
          ingest.storage_failed.load(std::memory_order_relaxed));
  out.One("routerd_ingest_late_duplicates_total", "counter",
          "Async durability: contacts routed, then found already stored (retries beyond the memory window).",
          ingest.late_duplicates.load(std::memory_order_relaxed));
  const leave::LeaveStoreStats l = storage_->leave_messages().stats();
  out.One("routerd_leave_messages_stored_total", "counter", "Leave messages from the router committed.", l.sink_stored);
  out.One("routerd_leave_messages_lost_total", "counter", "Leave messages from the router refused or failed.",
          l.sink_refused + l.sink_failed);
}

}  // namespace routerd::daemon
