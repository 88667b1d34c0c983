// What differs between the configuration file a daemon runs and a new version
// of it, as a reload (SIGHUP) sees it: the tables and keys that changed,
// compared as TOML (so reformatting or reordering keys is no change). What a
// reload applies live is left out: tokens (the tenants' and the operators'),
// caps (max_concurrent_sessions and max_concurrent_sessions_by_channel_kind of
// the tenants, their OUs and their agents), the tenants'
// session_idle_timeout_seconds, and the OUs, skill queues, channels and
// agents, added, removed or changed (ou_changes.h, queue_changes.h,
// channel_changes.h, agent_changes.h; matched by id, so reordering them is no
// change either) unless the tenant's access mode changes too. A running
// channel's keys but its routing ones are named ("tenant 'acme': channel
// 'web'"); a queue's media is checked against the queues in effect
// (queue_changes.h, QueuesWithOtherMedia).
//
// Thread safety: a pure function.
#pragma once

#include "engine/config/config.h"

#include <string>
#include <string_view>
#include <vector>

namespace routerd::config {

// One line per changed part, tables and tenants by name: "[server]", "[storage]",
// "[cluster]", "tenant 'acme': channel 'web'". Tenants added or removed are
// not among them (FileChanges lists them).
// Any change of [cluster] needs a restart: an instance's identity and lease
// timing are fixed while it holds leases. The variables its *_env keys name
// are read at start only, so only the file's text is compared.
// REQUIRES: both texts are valid configuration files.
std::vector<std::string> ChangedPartsBesideTokens(std::string_view running_text, std::string_view new_text);

struct FileChanges {
  std::vector<std::string> needs_restart;  // as ChangedPartsBesideTokens
  // Tenants (by id) whose access mode changed: their OUs', queues' and
  // agents' changes wait for the restart too (ou_changes.h, queue_changes.h,
  // agent_changes.h), but for the queue keys CopyLiveQueueKeys copies.
  std::vector<std::string> restructured_tenants;
  // Tenants (by id) the new file adds, and those it no longer has.
  std::vector<std::string> added_tenants;
  std::vector<std::string> removed_tenants;
};
FileChanges CompareConfigFiles(std::string_view running_text, std::string_view new_text);

// The file as a daemon runs it, for the next reload to be compared against:
// the start-up text, with the tenants that reloads added (each as the reload
// that added it read it) and without those they removed. A tenant added live
// is compared with the file it came from, so a later change of its access
// mode, say, is named as needing a restart like a start-up tenant's.
class RunningFile {
 public:
  explicit RunningFile(std::string text) : text_(std::move(text)) {}
  const std::string& text() const { return text_; }
  // Tenant `id` of `new_text` joins the file run. REQUIRES: valid texts.
  void AddTenant(std::string_view new_text, std::string_view id);
  void RemoveTenant(std::string_view id);

 private:
  std::string text_;
};

// Gives `running`'s skill queues the values `file` has (matched by id) for
// the keys a reload applies even with a new access mode: max_wait_seconds, max_waiting,
// wrap_up_seconds, sticky_seconds, on_overflow (unless into a queue
// `running` lacks), priority, auto_allocate.
void CopyLiveQueueKeys(TenantConfig& running, const TenantConfig& file);

}  // namespace routerd::config
