// What a reloaded file (or a provisioning change, as the tenant it leaves)
// does to a running tenant's skill queues, channels, OUs and agents, merged in
// the one order that keeps every reference whole: queues first (channels and
// agents name them), then channels, OUs and agents.
//
// Thread safety: a pure function.
#pragma once

#include "engine/config/agent_changes.h"
#include "engine/config/channel_changes.h"
#include "engine/config/config.h"
#include "engine/config/ou_changes.h"
#include "engine/config/queue_changes.h"

namespace routerd::config {

struct TenantChanges {
  QueueChanges queues;
  OuChanges ous;
  ChannelChanges channels;
  // agents.tenant is the tenant as it is to be, everything merged.
  AgentChanges agents;
};

// REQUIRES: as MergeQueueChanges. With `structure_changed` only the queue
// keys CopyLiveQueueKeys copies change.
TenantChanges MergeTenantChanges(const TenantConfig& running, const TenantConfig& file, bool structure_changed);

// `tenant` as a file would have it: without its retired queues, channels, OUs
// and agents (what a provisioning change starts from).
TenantConfig WithoutRetired(const TenantConfig& tenant);

}  // namespace routerd::config
