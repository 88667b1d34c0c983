// The provisioning API's changes to a tenant's channels
// (gateway/provisioning_api.h): read by the configuration file's rules (the
// adapter built from the channel's keys, its secrets read as at start-up),
// stored, then applied like a reload's changes: a new channel's webhook
// answers at once, a removed one's is 404, a replaced one routes and verifies
// by its new keys.
#include <algorithm>

#include "engine/config/agent_definition.h"
#include "engine/config/tenant_changes.h"
#include "engine/daemon/daemon.h"
#include "engine/daemon/provisioning_answers.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/tenant_config_json.h"

namespace routerd::daemon {

using Change = gateway::ProvisioningApi::Change;
using http::HttpResponse;
using http::HttpStatus;
using provisioning::Conflict;
using provisioning::InvalidDefinition;
using provisioning::LogChange;

std::optional<HttpResponse> Daemon::ChannelConflict(const config::TenantConfig& live, const config::ChannelConfig& next,
                                                    const config::ChannelConfig* running) {
  // Webhook URLs name channels by id alone.
  for (const std::shared_ptr<const config::TenantConfig>& other : TenantsInEffect()) {
    if (other->id == live.id) continue;
    for (const config::ChannelConfig& c : other->channels) {
      if (c.id == next.id && !c.retired) {
        return Conflict("channel id '" + next.id + "' is another tenant's: webhook URLs name channels by id, so "
                        "ids are unique across tenants");
      }
    }
  }
  if (running != nullptr && running->kind != next.kind) {
    return Conflict("channel '" + next.id + "' is a " + running->kind +
                    " channel: a channel's kind does not change (its webhook URL names it); remove it and create "
                    "another");
  }
  if (live.multimedia_access_mode == config::AccessMode::kPerChannelKind) {
    const bool known = std::any_of(live.channels.begin(), live.channels.end(),
                                   [&](const config::ChannelConfig& c) { return c.kind == next.kind; });
    if (!known) {
      return Conflict("the tenant has no " + next.kind +
                      " channel yet: in per_channel_kind access each kind has its caps, which a restart sets up; "
                      "add the channel to the configuration file and restart");
    }
  }
  return std::nullopt;
}

HttpResponse Daemon::ProvisionChannel(const Change& change, const config::TenantConfig& live,
                                      const shard::TenantRef& ref) {
  std::optional<config::ChannelConfig> channel;
  std::string id = change.object_id;
  if (change.kind != Change::Kind::kRemove) {
    std::vector<std::string> errors;
    const config::ConfigSchema schema{adapters_.get(), policies_->Names()};
    channel = config::ReadChannelDefinition(change.definition, schema, live, errors);
    if (!channel) return InvalidDefinition(errors);
    id = channel->id;
  }
  const auto at = std::find_if(live.channels.begin(), live.channels.end(),
                               [&](const config::ChannelConfig& c) { return c.id == id && !c.retired; });
  if (auto error = provisioning::ExistenceError(change.kind, at != live.channels.end(), "channel", id, "channels")) {
    return std::move(*error);
  }
  if (channel) {
    if (std::optional<HttpResponse> refused = ChannelConflict(live, *channel, at != live.channels.end() ? &*at : nullptr)) {
      return std::move(*refused);
    }
  }
  // The tenant with this change, as a file would have it.
  config::TenantConfig desired = config::WithoutRetired(live);
  std::erase_if(desired.channels, [&](const config::ChannelConfig& c) { return c.id == id; });
  if (channel) desired.channels.push_back(*channel);
  // Its required skills, as the file's: some agent of the tenant has them.
  if (std::vector<std::string> errors = config::SkillQueueErrors(desired); !errors.empty()) {
    return InvalidDefinition(errors);
  }

  const config::TenantChanges merged = config::MergeTenantChanges(live, desired, /*structure_changed=*/false);
  if (channel) {
    // Replaced whole: its new keys and secrets verify from now on.
    for (config::ChannelConfig& c : merged.agents.tenant->channels) {
      if (c.id == id && !c.retired) c = *channel;
    }
  }
  const StatusOr<std::size_t> applied =
      StoreAndApply(provisioning::StoredChange(storage::DefinitionKind::kChannel, change, id), ref, merged.agents);
  if (!applied.ok()) return gateway::FromCode(applied.status().code(), applied.status().message());
  LogChange("channel", change, id);
  if (!channel) return provisioning::Removed(id);
  return provisioning::Provisioned(change.kind == Change::Kind::kCreate,
                                   gateway::ChannelJson(*merged.agents.tenant, id));
}

}  // namespace routerd::daemon
