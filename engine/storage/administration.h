// AdministrationRepository: the run-time changes an administrator makes to a
// tenant (concurrency caps set through the API, API tokens created or
// revoked, configured objects such as agents and OUs created, changed or
// removed), kept durably so that a restart does not undo them.
//
// The configuration file stays the bootstrap: what is stored here is applied
// over it at start-up (stored_settings.h says which wins). Every change is a
// record of the tenant's partition, stored in the order it was made, and
// completes after the commit that holds it. A token is kept only as the
// SHA-256 of its value, like the file's tokens.
//
// Errors: ResourceExhausted or Unavailable at the call (queue full, stopping:
// `done` is not called); AlreadyExists (a token of that name is active) and
// NotFound (no active token of that name) in `done`, decided inside the write
// so that two concurrent requests cannot both pass.
//
// Thread safety: the *Async methods from any thread, never blocking; `done`
// runs exactly once on a storage thread and must be quick. Load() before
// Storage::Start() or with no change in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "routerd/status.h"

namespace routerd::storage {

// Where a cap set at run time applies: one agent, one OU (and the agents under
// it that have no cap of their own), or the whole tenant.
enum class CapScope : std::uint8_t { kAgent, kOu, kTenant };
std::string_view CapScopeName(CapScope scope);  // "agent", "ou", "tenant"
std::optional<CapScope> ParseCapScope(std::string_view name);

// The latest run-time cap of one subject. `cap` empty: the setting was
// cleared (an agent or OU then has no cap of its own even when the file gives
// one; the tenant goes back to the file's value).
struct CapSetting {
  std::string tenant_id;
  CapScope scope = CapScope::kAgent;
  std::string subject_id;  // employee id, OU id; empty for kTenant
  std::optional<int> cap;
  std::int64_t set_at_ms = 0;  // stamped by the store
  std::string set_by;          // the token's name, for the audit trail
  bool personal = false;       // kAgent: the agent set its own cap
};

// An API token created through the API. Its value is shown once and never
// stored; `sha256` holds 32 raw bytes.
struct StoredToken {
  std::string tenant_id;
  std::string name;  // unique among the tenant's active tokens
  config::TokenConfig::Role role = config::TokenConfig::Role::kAgent;
  std::string employee_id;  // kAgent only
  std::string sha256;
  std::int64_t created_at_ms = 0;  // stamped by the store
  std::string created_by;
};

// Which kind of configured object a stored definition is. One store holds
// them all, so that a new kind provisioned through the API needs no new table.
enum class DefinitionKind : std::uint8_t { kAgent, kOu, kSkillQueue, kChannel };
// "agent", "ou", "skill_queue", "channel": the stored text
std::string_view DefinitionKindName(DefinitionKind kind);
std::optional<DefinitionKind> DefinitionKindFromName(std::string_view name);

// A configured object as an administrator defined it through the API: its
// table in the configuration file's form (TOML, the keys of [[tenants.agents]]
// for an agent, [[tenants.ous]] for an OU, [[tenants.skill_queues]] for a
// skill queue, [[tenants.channels]] for a channel (its secrets included:
// storage is trusted with them as the file is), read by the same rules), or its
// removal. Objects of different kinds may share an id.
struct StoredDefinition {
  DefinitionKind kind = DefinitionKind::kAgent;
  std::string tenant_id;
  std::string object_id;                  // an agent's employee_id, an OU's or a queue's id
  std::optional<std::string> definition;  // nullopt: removed
  std::int64_t set_at_ms = 0;             // stamped by the store
  std::string set_by;                     // the token's name, for the audit trail

  friend bool operator==(const StoredDefinition&, const StoredDefinition&) = default;
};

// What a start-up applies over the configuration file: the latest cap of each
// subject, the tokens still active and the latest definition of each object
// (tenant, kind, id), oldest first.
struct AdministrationState {
  std::vector<CapSetting> caps;
  std::vector<StoredToken> tokens;
  std::vector<StoredDefinition> definitions;
};

class AdministrationRepository {
 public:
  using Done = std::function<void(const Status&)>;
  using Created = std::function<void(StatusOr<StoredToken>)>;

  virtual ~AdministrationRepository() = default;

  // Replaces the subject's stored setting.
  virtual Status SaveCapAsync(CapSetting setting, Done done) = 0;
  // AlreadyExists when the tenant has an active token of that name.
  virtual Status CreateTokenAsync(StoredToken token, Created done) = 0;
  // NotFound when the tenant has no active token of that name. A revoked
  // token stays in the store (who revoked it, when); its name may be reused.
  virtual Status RevokeTokenAsync(std::string tenant_id, std::string name, std::string revoked_by, Done done) = 0;
  // Replaces the stored definition (or removal) of that (tenant, kind,
  // object_id); it then loads as the newest. A removal of an agent or an OU
  // also forgets its stored cap, in the same write.
  virtual Status SaveDefinitionAsync(StoredDefinition definition, Done done) = 0;
  virtual StatusOr<AdministrationState> Load() = 0;
};

}  // namespace routerd::storage
