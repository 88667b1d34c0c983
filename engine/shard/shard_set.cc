#include "engine/shard/shard_set.h"

namespace routerd::shard {

RouterShardOptions ShardOptionsFromConfig(const config::ServerOptions& server) {
  RouterShardOptions o;
  o.queue_capacity = static_cast<std::size_t>(server.router_queue_capacity);
  o.command_queue_capacity = static_cast<std::size_t>(server.router_command_queue_capacity);
  o.batch_size = static_cast<std::size_t>(server.router_batch_size);
  o.tick_ns = static_cast<std::int64_t>(server.router_tick_ms) * 1'000'000;
  o.tenant.session_history_limit = static_cast<std::uint32_t>(server.session_history_limit);
  o.tenant.ended_trace_limit = static_cast<std::uint32_t>(server.ended_session_traces);
  return o;
}

ShardSet::Producer::Producer(ShardSet& set) : staged_(set.shards_.size()) {
  tokens_.reserve(set.shards_.size());
  for (auto& shard : set.shards_) {
    tokens_.push_back(std::make_unique<RouterShard::Queue::ProducerToken>(shard->queue()));
    command_tokens_.push_back(std::make_unique<RouterShard::Queue::ProducerToken>(shard->command_queue()));
  }
}

ShardSet::ShardSet(const config::Config& config, const routing::PolicyRegistry& policies,
                   const RouterShardOptions& options, const Clock& clock, routing::RoutingEventSink& sink)
    : directory_(config, static_cast<std::uint32_t>(config.server.router_shards)), tenant_configs_(config) {
  for (std::uint32_t i = 0; i < directory_.shard_count(); ++i) {
    shards_.push_back(
        std::make_unique<RouterShard>(i, directory_.TenantsOfShard(i), policies, options, clock, sink));
  }
}

ShardSet::~ShardSet() { Stop(); }

void ShardSet::PublishTenant(std::shared_ptr<const config::TenantConfig> tenant) {
  directory_.PublishMembers(*tenant);
  tenant_configs_.Publish(std::move(tenant));
}

StatusOr<TenantRef> ShardSet::AddTenant(const config::TenantConfig& tenant, bool active,
                                        std::uint64_t session_id_floor) {
  const TenantRef next = directory_.NextRef(tenant.id);
  StatusOr<std::uint32_t> index =
      shards_[next.shard]->AddTenant(tenant, active, session_id_floor, kShardTaskStartTimeout);
  if (!index.ok()) return index.status();
  if (*index != next.tenant) {
    // The directory and the router number a shard's tenants alike; a
    // mismatch is a bug, not an input.
    return Status(StatusCode::kInternal, "tenant " + tenant.id + ": its shard placed it at " +
                                             std::to_string(*index) + ", not " + std::to_string(next.tenant));
  }
  // Owns nothing: `tenant` outlives the set.
  tenant_configs_.Add(std::shared_ptr<const config::TenantConfig>(std::shared_ptr<const config::TenantConfig>(), &tenant));
  return directory_.AddTenant(tenant);
}

void ShardSet::Start() {
  for (auto& s : shards_) s->Start();
}

void ShardSet::Stop() {
  for (auto& s : shards_) s->Stop();
}

Status ShardSet::StageContacts(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                               std::span<ContactPtr> contacts, std::uint64_t lease_epoch) {
  ROUTERD_RETURN_IF_ERROR(ReserveContacts(tenant, contacts.size()));
  StageReserved(producer, tenant, channel, contacts, lease_epoch);
  return Status::Ok();
}

Status ShardSet::ReserveContacts(const TenantRef& tenant, std::size_t n) {
  RouterShard& shard = *shards_[tenant.shard];
  if (!shard.queue().TryReserve(n)) {
    shard.CountRejectedFull();
    return Status::ResourceExhausted("router queue is full");
  }
  return Status::Ok();
}

void ShardSet::CancelReservation(const TenantRef& tenant, std::size_t n) {
  if (n > 0) shards_[tenant.shard]->queue().CancelReservation(n);
}

void ShardSet::StageReserved(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                             std::span<ContactPtr> contacts, std::uint64_t lease_epoch) {
  auto& staged = producer.staged_[tenant.shard];
  for (ContactPtr& c : contacts) {
    ShardInput in;
    in.kind = ShardInput::Kind::kContact;
    in.tenant = tenant.tenant;
    in.channel = channel;
    in.key_hash = routing::SessionKeyHash(channel, c->customer_id);
    in.contact = c;
    in.lease_epoch = lease_epoch;
    staged.push_back(std::move(in));
  }
  producer.staged_count_ += contacts.size();
}

void ShardSet::Flush(Producer& producer) {
  if (producer.staged_count_ == 0) return;
  for (std::uint32_t i = 0; i < shards_.size(); ++i) {
    auto& staged = producer.staged_[i];
    if (staged.empty()) continue;
    shards_[i]->queue().PushReserved(*producer.tokens_[i], staged);
    staged.clear();
    shards_[i]->Wake();
  }
  producer.staged_count_ = 0;
}

Status ShardSet::SubmitContacts(Producer& producer, const TenantRef& tenant, std::uint32_t channel,
                                std::span<ContactPtr> contacts, std::uint64_t lease_epoch) {
  ROUTERD_RETURN_IF_ERROR(StageContacts(producer, tenant, channel, contacts, lease_epoch));
  Flush(producer);
  return Status::Ok();
}

Status ShardSet::SubmitCommand(Producer& producer, const TenantRef& tenant, const routing::AgentCommand& command) {
  ShardInput in;
  in.kind = ShardInput::Kind::kCommand;
  in.command = command;
  in.command.tenant = tenant.tenant;
  RouterShard& shard = *shards_[tenant.shard];
  if (!shard.TryPushCommand(*producer.command_tokens_[tenant.shard], std::move(in))) {
    return Status::ResourceExhausted("router queue is full");
  }
  shard.Wake();
  return Status::Ok();
}

}  // namespace routerd::shard
