// What differs between the configuration file a daemon runs and a new version
// of it, as a reload (SIGHUP) sees it: the tables and keys that changed,
// compared as TOML (so reformatting or reordering keys is no change). What a
// reload applies live is left out: tokens (the tenants' and the operators'),
// caps (max_concurrent_sessions and max_concurrent_sessions_by_channel_kind of
// the tenants, their OUs and their agents), the tenants'
// session_idle_timeout_seconds, and the queues' max_wait_seconds,
// max_waiting, wrap_up_seconds and sticky_seconds.
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace routerd::config {

// One line per changed part, tables and tenants by name: "[server]", "[storage]",
// "[cluster]", "tenant 'acme': agents", "tenant 'x' added", "tenant 'y' removed".
// Any change of [cluster] needs a restart: an instance's identity and lease
// timing are fixed while it holds leases. The variables its *_env keys name
// are read at start only, so only the file's text is compared.
// REQUIRES: both texts are valid configuration files.
std::vector<std::string> ChangedPartsBesideTokens(std::string_view running_text, std::string_view new_text);

}  // namespace routerd::config
