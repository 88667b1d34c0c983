// Close codes the daemon sends when it ends an agent's WebSocket, so a client
// can tell "another tab took over" from "reconnect later" (docs/agent-api.md).
// They are in the private-use range 4000-4999 of RFC 6455 section 7.4.2.
#pragma once

#include <cstdint>
#include <string_view>

namespace routerd::gateway {

enum class AgentCloseCode : std::uint16_t {
  // A newer connection for the same agent took over; do not reconnect
  // automatically, or two clients would keep replacing each other.
  kReplaced = 4000,
  // The client read too slowly and more than agent_outbox_limit messages
  // waited for it; reconnect (within the grace period nothing is lost).
  kSlowConsumer = 4001,
  // The daemon is stopping; reconnect with backoff.
  kShuttingDown = 4002,
  // The token that opened the connection was revoked (DELETE
  // /api/v1/tokens/{name}) or removed from the configuration file and the
  // file reloaded (SIGHUP); do not reconnect with it.
  kTokenRevoked = 4003,
  // Cluster mode: another instance routes this agent's tenant now (or is
  // taking it over). The reason text is the owner's base URL
  // ("https://routerd-2.example:8443"): reconnect there, to the same path and
  // with the same token. When the URL is unknown (no instance routes the
  // tenant yet) or longer than a close reason may be (123 bytes), the reason
  // is "owner unknown: reconnect": reconnect through the usual address, with
  // backoff. The agent's sessions are kept through the grace period, and the
  // owner replays their `assigned` frames once the agent is connected there.
  kOwnerMoved = 4004,
  // The agent was removed from the configuration file and the file reloaded:
  // it is no longer the tenant's; do not reconnect.
  kAgentRemoved = 4005,
};

// The close frame's reason text (short: a close frame payload is at most 125 bytes).
constexpr std::string_view AgentCloseReason(AgentCloseCode code) {
  switch (code) {
    case AgentCloseCode::kReplaced: return "replaced by a newer connection";
    case AgentCloseCode::kSlowConsumer: return "slow consumer";
    case AgentCloseCode::kShuttingDown: return "shutting down";
    case AgentCloseCode::kTokenRevoked: return "token revoked";
    // Sent with the owner's URL instead (OwnerMovedReason, owner_check.h).
    case AgentCloseCode::kOwnerMoved: return "owner unknown: reconnect";
    case AgentCloseCode::kAgentRemoved: return "agent removed";
  }
  return "closed";
}

}  // namespace routerd::gateway
