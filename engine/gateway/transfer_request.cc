#include "engine/gateway/transfer_request.h"

#include <string>
#include <utility>

namespace routerd::gateway {

Status ParseTransferTarget(const shard::RoutingDirectory& directory, const shard::TenantRef& tenant,
                           const TransferTarget& target, routing::AgentCommand& command) {
  if (target.to_queue.has_value() == target.to_agent.has_value()) {
    return Status::InvalidArgument("give exactly one of to_queue and to_agent (strings)");
  }
  if (target.preferred_agent && !target.to_queue) {
    return Status::InvalidArgument("preferred_agent goes with to_queue (to_agent hands the session over at once)");
  }
  if (target.to_queue) {
    auto queue = directory.FindQueue(tenant, *target.to_queue);
    if (!queue) return Status::NotFound("to_queue: no such skill queue");
    command.to_queue = *queue;
  }
  const std::optional<std::string_view> agent_id = target.to_agent ? target.to_agent : target.preferred_agent;
  if (agent_id) {
    auto agent = directory.FindAgent(tenant, *agent_id);
    if (!agent) return Status::NotFound(std::string(target.to_agent ? "to_agent" : "preferred_agent") + ": no such agent");
    command.to_agent = *agent;
  }
  return Status::Ok();
}

Status ParseTransferRequest(const shard::RoutingDirectory& directory, const shard::TenantRef& tenant,
                            simdjson::dom::element body, routing::AgentCommand& command) {
  TransferTarget target;
  for (auto [key, field] : {std::pair{"to_queue", &target.to_queue}, std::pair{"to_agent", &target.to_agent},
                            std::pair{"preferred_agent", &target.preferred_agent}}) {
    simdjson::dom::element value;
    if (body[key].get(value) != simdjson::SUCCESS) continue;
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return Status::InvalidArgument(std::string(key) + " must be a string");
    }
    *field = text;
  }
  return ParseTransferTarget(directory, tenant, target, command);
}

}  // namespace routerd::gateway
