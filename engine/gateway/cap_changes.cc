#include "engine/gateway/cap_changes.h"

#include <memory>
#include <string>

namespace routerd::gateway {

void CapChanges::Submit(const shard::TenantRef& tenant, routing::AgentCommand command, storage::CapSetting stored,
                        CommandBroker::Callback done) {
  // Shared: the broker's callback and the store's completion both need it.
  auto finish = std::make_shared<CommandBroker::Callback>(std::move(done));
  broker_.Submit(tenant, command,
                 [this, finish, stored = std::move(stored)](StatusCode code, std::string_view error) mutable {
                   if (code != StatusCode::kOk) return (*finish)(code, error);
                   auto not_stored = [finish](const Status& s) {
                     const std::string why = "the change is in effect but was not stored (a restart would undo it): " +
                                             s.message() + "; retry";
                     (*finish)(StatusCode::kUnavailable, why);
                   };
                   Status queued = store_.SaveCapAsync(std::move(stored), [finish, not_stored](const Status& s) {
                     if (s.ok()) return (*finish)(StatusCode::kOk, {});
                     not_stored(s);
                   });
                   if (!queued.ok()) not_stored(queued);
                 });
}

Status CapChanges::CheckCapValue(std::int64_t cap) {
  if (cap < config::kMinCap || cap > config::kMaxCap) {
    return Status::InvalidArgument("max_concurrent_sessions = " + std::to_string(cap) +
                                   " is out of range (allowed " + std::to_string(config::kMinCap) + ".." +
                                   std::to_string(config::kMaxCap) + ")");
  }
  return Status::Ok();
}

storage::CapSetting CapChanges::Stored(const Principal& who, storage::CapScope scope, std::string_view subject,
                                       const routing::AgentCommand& command) {
  storage::CapSetting s;
  s.tenant_id = who.tenant->id;
  s.scope = scope;
  s.subject_id = std::string(subject);
  if (command.cap) s.cap = static_cast<int>(*command.cap);
  s.set_by = who.name;
  s.personal = command.personal;
  return s;
}

Status CapChanges::CheckPersonal(const config::TenantConfig& tenant, const config::AgentConfig& agent,
                                 std::optional<std::uint32_t> cap) {
  const config::PersonalSettings& p = tenant.personal_settings;
  if (!p.agent_sets_cap) {
    return Status::PermissionDenied("tenant " + tenant.id +
                                    " does not let agents set their own cap ([tenants.personal_settings] agent_sets_cap)");
  }
  if (agent.type == config::AgentType::kVoice) {
    return Status::FailedPrecondition("agent " + agent.employee_id +
                                      " is a voice agent: it serves no multimedia session, so it has no multimedia cap");
  }
  if (cap && (*cap < static_cast<std::uint32_t>(p.agent_cap_min) || *cap > static_cast<std::uint32_t>(p.agent_cap_max))) {
    return Status::InvalidArgument("max_concurrent_sessions = " + std::to_string(*cap) +
                                   " is outside the range agents of tenant " + tenant.id + " may choose (" +
                                   std::to_string(p.agent_cap_min) + ".." + std::to_string(p.agent_cap_max) + ")");
  }
  return Status::Ok();
}

}  // namespace routerd::gateway
