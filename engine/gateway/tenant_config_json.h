// The configuration of one tenant as it is in effect, for its administrator
// (GET /api/v1/config, GET /api/v1/ous, GET /api/v1/skill_queues and the
// console's configuration pages): the file's
// tenant parameters, OUs, skill queues, employees and channels, with the caps
// as they stand after changes made at run time, and each employee's effective
// cap and where it comes from. Never a secret: channels list their kind and
// routing only, and tokens are not part of it (GET /api/v1/tokens).
//
// Thread safety: reads the tenant's router, so it runs on its shard thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config/config.h"
#include "engine/routing/tenant_router.h"

namespace routerd::gateway {

std::string TenantConfigJson(const config::TenantConfig& tenant, const routing::TenantRouter& router);

// {"channels":[...]}: the channels of GET /api/v1/config alone (GET
// /api/v1/channels): kind and routing, never a secret.
std::string ChannelsJson(const config::TenantConfig& tenant);
// {"channel":{...}}: one of them; nullopt when the tenant has no such channel.
std::optional<std::string> ChannelJson(const config::TenantConfig& tenant, std::string_view id);

// {"skill_queues":[...]}: the skill queues of GET /api/v1/config alone (GET
// /api/v1/skill_queues), each with its number of agents.
std::string QueuesJson(const config::TenantConfig& tenant);
// {"skill_queue":{...}}: one of them; nullopt when the tenant has no such queue.
std::optional<std::string> QueueJson(const config::TenantConfig& tenant, std::string_view id);

// {"ous":[...]}: the OUs of GET /api/v1/config alone (GET /api/v1/ous).
std::string OusJson(const config::TenantConfig& tenant, const routing::TenantRouter& router);
// {"ou":{...}}: one of them (GET /api/v1/ous/{id}); nullopt when the tenant
// has no such OU.
std::optional<std::string> OuJson(const config::TenantConfig& tenant, const routing::TenantRouter& router,
                                  std::string_view id);

}  // namespace routerd::gateway
