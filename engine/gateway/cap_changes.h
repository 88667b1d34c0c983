// CapChanges: a concurrency-cap change, as an administrator (REST) or an agent
// for itself (REST or its WebSocket) makes it: applied by the tenant's router,
// then stored, then answered. One home for both entry points, and for the
// rule of what an agent may set for itself.
//
// The store is written from the shard thread, right after the router applied
// the change, so that it keeps the order in which the router applied
// concurrent changes of one subject.
//
// Thread safety: any thread; `done` runs on a shard or storage thread (or at
// once on the caller's when the command cannot be queued) and must be quick.
#pragma once

#include <optional>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/command_broker.h"
#include "engine/storage/administration.h"

namespace routerd::gateway {

class CapChanges {
 public:
  CapChanges(CommandBroker& broker, storage::AdministrationRepository& store) : broker_(broker), store_(store) {}

  // `command` is a kSet*Cap; `stored` the same change as the store keeps it.
  // done: kOk once stored; the router's refusal; kUnavailable when the change
  // is in effect but could not be stored (a restart would undo it).
  void Submit(const shard::TenantRef& tenant, routing::AgentCommand command, storage::CapSetting stored,
              CommandBroker::Callback done);

  // A cap value as a request gives it: 1..60, else InvalidArgument naming
  // max_concurrent_sessions.
  static Status CheckCapValue(std::int64_t cap);
  // The stored form of a cap command `who` made: the subject's latest setting.
  static storage::CapSetting Stored(const Principal& who, storage::CapScope scope, std::string_view subject,
                                    const routing::AgentCommand& command);

  // May `agent` of `tenant` set its own cap to `cap` (nullopt: clear it)?
  // PermissionDenied when the tenant does not let agents set their cap,
  // FailedPrecondition for a voice agent (it serves no multimedia session),
  // InvalidArgument outside the tenant's range.
  static Status CheckPersonal(const config::TenantConfig& tenant, const config::AgentConfig& agent,
                              std::optional<std::uint32_t> cap);

 private:
  CommandBroker& broker_;
  storage::AdministrationRepository& store_;
};

}  // namespace routerd::gateway
