// A transfer's target as REST (POST /api/v1/sessions/{id}/transfer) and the
// WebSocket ({"type":"transfer",...}) both give it, checked in one place:
// exactly one of to_queue and to_agent; with to_queue, optionally
// preferred_agent (the queue, waiting a while for that agent).
//
// Thread safety: pure functions of their arguments (the directory is read-only).
#pragma once

#include <optional>
#include <string_view>

#include <simdjson.h>

#include "engine/routing/routing_events.h"
#include "engine/shard/routing_directory.h"
#include "routerd/status.h"

namespace routerd::gateway {

struct TransferTarget {
  std::optional<std::string_view> to_queue;
  std::optional<std::string_view> to_agent;
  std::optional<std::string_view> preferred_agent;
};

// Reads the body's to_queue, to_agent and preferred_agent (each a string when
// present), then resolves them as ParseTransferTarget does.
Status ParseTransferRequest(const shard::RoutingDirectory& directory, const shard::TenantRef& tenant,
                            simdjson::dom::element body, routing::AgentCommand& command);

// Fills command.to_queue and command.to_agent (both for a queue with a
// preferred agent), or answers InvalidArgument or NotFound naming the field.
Status ParseTransferTarget(const shard::RoutingDirectory& directory, const shard::TenantRef& tenant,
                           const TransferTarget& target, routing::AgentCommand& command);

}  // namespace routerd::gateway
