// The few keys of a routerd TOML configuration the load generator needs: the
// listen address, every channel with its signing secrets, and the agents that
// can receive sessions from those channels with their agent tokens.
//
// This is a reader of its own (toml++), not the daemon's loader: it accepts any
// file the daemon accepts and ignores what it does not need. Secrets may be
// inline, `<key>_env` or `<key>_file`, as in the daemon. Agent tokens are
// usually configured as SHA-256 hashes; the plain token then comes from a
// template or a tokens file (ResolveAgentTokens).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bench/loadgen/channel_requests.h"
#include "routerd/status.h"

namespace routerd::loadgen {

struct AgentSpec {
  std::string tenant_id;
  std::string employee_id;
  std::string token;         // the plain bearer token; empty until known
  std::string token_sha256;  // lowercase hex, when the config gives the hash
};

struct RouterdConfig {
  std::string listen = "127.0.0.1:8080";  // [server].listen
  std::vector<ChannelEndpoint> channels;  // in file order
  // Agents with an agent token that serve a multimedia queue some channel of
  // their tenant routes to (the others could never receive a session), in
  // file order.
  std::vector<AgentSpec> agents;
};

StatusOr<RouterdConfig> ParseRouterdConfig(std::string_view toml_text, std::string_view source_name);
StatusOr<RouterdConfig> ReadRouterdConfig(const std::string& path);

// Fills each agent's token from `token_template` ("{employee_id}" is replaced)
// or from `tokens_file` (lines "employee_id token"; '#' starts a comment),
// unless the config already gave it. When the config holds the token's hash,
// the token must match it. Agents left without a token are an error naming them.
Status ResolveAgentTokens(std::vector<AgentSpec>& agents, std::string_view token_template,
                          const std::string& tokens_file);

}  // namespace routerd::loadgen
