// The daemon's /metrics: every component's counters and gauges in one
// Prometheus text page, rendered on the request's I/O thread from atomic
// counters and configuration snapshots, without asking a shard.
#include "engine/daemon/daemon.h"
#include "engine/metrics/queue_metrics.h"

namespace routerd::daemon {

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
  if (cluster_) cluster_->RenderMetrics(out);
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
  out.Family("routerd_storage_reconnects_total", "counter",
             "Connections to the storage server re-established after it was lost.");
  out.Sample("routerd_storage_reconnects_total", {}, j.reconnects);
  out.Family("routerd_storage_unavailable_writers", "gauge",
             "Journal writers whose storage server cannot be reached now (webhooks answer 503).");
  out.Sample("routerd_storage_unavailable_writers", {}, j.unavailable_partitions);
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

}  // namespace routerd::daemon
