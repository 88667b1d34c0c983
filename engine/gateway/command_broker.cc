#include "engine/gateway/command_broker.h"

namespace routerd::gateway {

void CommandBroker::Submit(const shard::TenantRef& tenant, routing::AgentCommand command, Callback done) {
  command.correlation = next_correlation_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(mu_);
    pending_.emplace(command.correlation, std::move(done));
  }
  Status s;
  {
    std::lock_guard lock(producer_mu_);
    if (!producer_) producer_ = std::make_unique<shard::ShardSet::Producer>(shards_);
    s = shards_.SubmitCommand(*producer_, tenant, command);
  }
  if (!s.ok()) {
    Callback cb;
    {
      std::lock_guard lock(mu_);
      auto it = pending_.find(command.correlation);
      cb = std::move(it->second);
      pending_.erase(it);
    }
    cb(StatusCode::kResourceExhausted, "the router is at capacity; retry later");
  }
}

void CommandBroker::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  for (const routing::RoutingEvent& e : events) {
    if (e.type != routing::RoutingEventType::kCommandResult || e.correlation == 0) continue;
    Callback cb;
    {
      std::lock_guard lock(mu_);
      auto it = pending_.find(e.correlation);
      if (it == pending_.end()) continue;  // a command nobody waits for
      cb = std::move(it->second);
      pending_.erase(it);
    }
    cb(e.result, e.error);
  }
}

std::size_t CommandBroker::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

}  // namespace routerd::gateway
