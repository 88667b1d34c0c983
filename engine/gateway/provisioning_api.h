// ProvisioningApi: the routes that create, change and remove a tenant's agents
// and OUs, for its administrator (tenant_admin):
//
//   POST   /agents       the agent in the body, new: 201
//   PUT    /agents/{id}  the agent in the body replaces agent {id} whole: 200
//   DELETE /agents/{id}  removes agent {id}: 200
//   POST   /ous, PUT /ous/{id}, DELETE /ous/{id}: the same for OUs
//   POST   /skill_queues, PUT /skill_queues/{id}, DELETE /skill_queues/{id}: and for skill queues
//   POST   /channels, PUT /channels/{id}, DELETE /channels/{id}: and for channels
//
// A body has the keys of one table of the configuration file
// (config/README.md): for an agent [[tenants.agents]] (employee_id, ou, type,
// skill_queues, skills ({"fr": 2}), max_concurrent_sessions,
// max_concurrent_sessions_by_channel_kind ({"email": 3}), business_account,
// name), for an OU [[tenants.ous]] (id, parent, max_concurrent_sessions,
// max_concurrent_sessions_by_channel_kind), for a queue [[tenants.skill_queues]]
// (id, strategy, max_wait_seconds, max_waiting, on_overflow, media,
// auto_allocate, priority, priority_aging_seconds, service_level_seconds,
// wrap_up_seconds, required_skills ({"fr": 2}), sticky_seconds,
// sticky_wait_seconds), for a channel [[tenants.channels]] (id, kind,
// skill_queue, priority, required_skills, and its kind's keys: secrets as
// values or *_env / *_file references, never answered back). It becomes that table, and the
// file's rules check it (config/agent_definition.h), so a 400 names the key as
// a file's error would. The change itself (404, 409, storing it before the
// answer, applying it on the tenant's shard while agents stay connected) is
// the Provisioner's: the daemon's, one change at a time, in turn with reloads.
//
// Thread safety: the routes from any I/O thread; `done` from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/http/request_handler.h"

namespace routerd::gateway {

class ProvisioningApi {
 public:
  // What a change defines: the key of its id, its name in messages.
  enum class Object { kAgent, kOu, kSkillQueue, kChannel };
  struct Change {
    enum class Kind { kCreate, kReplace, kRemove };
    Kind kind = Kind::kCreate;
    Object object = Object::kAgent;
    std::string tenant_id;
    std::string object_id;   // kReplace, kRemove: the path's
    std::string definition;  // kCreate, kReplace: the body as a TOML table
    std::string by;          // the token's name
  };
  using Done = std::function<void(http::HttpResponse)>;
  using Provisioner = std::function<void(Change, Done)>;

  explicit ProvisioningApi(Provisioner provisioner) : provisioner_(std::move(provisioner)) {}

  std::optional<http::HttpResponse> Create(const http::HttpRequest& request, const Principal& who, Object object,
                                           http::RequestContext& ctx);
  std::optional<http::HttpResponse> Replace(const http::HttpRequest& request, const Principal& who, Object object,
                                            std::string_view id, http::RequestContext& ctx);
  std::optional<http::HttpResponse> Remove(const Principal& who, Object object, std::string_view id,
                                           http::RequestContext& ctx);

 private:
  std::optional<http::HttpResponse> Submit(Change change, http::RequestContext& ctx);

  const Provisioner provisioner_;
};

// The fields of a JSON object as a TOML table's text; nullopt, with `error`
// naming the key, for a value TOML cannot hold here (null, a fraction, an
// integer beyond 64 bits, an array or object inside an object or array).
std::optional<std::string> JsonObjectAsToml(simdjson::dom::object object, std::string& error);

// {"employee_id": ..., "name": ..., "business_account": ..., "agent_type": ...,
// "ou": ..., "skill_queues": [...], "skills": {...},
// "max_concurrent_sessions": n or null}: an agent as it is configured.
std::string ProvisionedAgentJson(const config::AgentConfig& agent);

// {"id": ..., "parent": ... ("" at the top), "max_concurrent_sessions": n or
// null, "max_concurrent_sessions_by_channel_kind": {...}}: an OU as it is
// configured.
std::string ProvisionedOuJson(const config::OuConfig& ou);

}  // namespace routerd::gateway
