#include "engine/gateway/provisioning_api.h"

#include "engine/config/agent_definition.h"
#include "engine/gateway/api_common.h"
#include "engine/gateway/gateway_json.h"

namespace routerd::gateway {
namespace {

using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;

HttpResponse Refused(std::string_view detail) { return JsonError(HttpStatus::bad_request, "bad_request", detail); }

// A scalar as TOML; false for a value that is not one.
bool AppendScalar(std::string& out, simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::STRING:
      out += config::TomlString(std::string_view(value.get_string()));
      return true;
    case simdjson::dom::element_type::INT64:
      out += std::to_string(std::int64_t(value.get_int64()));
      return true;
    case simdjson::dom::element_type::BOOL:
      out += bool(value.get_bool()) ? "true" : "false";
      return true;
    default:
      return false;
  }
}

std::string Why(std::string_view key, simdjson::dom::element value) {
  const std::string k(key);
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return k + ": leave the key out instead of null";
    case simdjson::dom::element_type::DOUBLE: return k + " must be an integer";
    case simdjson::dom::element_type::UINT64: return k + " is out of range";
    default: return k + ": an array or object here holds strings, integers and booleans only";
  }
}

struct Noun {
  std::string_view id_key;  // the key of the object's id
  std::string_view table;   // its table in the configuration file
  std::string_view whose;   // "an agent's"
};
Noun NounOf(ProvisioningApi::Object object) {
  if (object == ProvisioningApi::Object::kOu) return {"id", "[[tenants.ous]]", "an OU's"};
  if (object == ProvisioningApi::Object::kSkillQueue) return {"id", "[[tenants.skill_queues]]", "a skill queue's"};
  if (object == ProvisioningApi::Object::kChannel) return {"id", "[[tenants.channels]]", "a channel's"};
  return {"employee_id", "[[tenants.agents]]", "an agent's"};
}

// The body as the definition of one object (a TOML table), with the id it
// names, if any; else the 400.
struct DefinitionBody {
  std::string definition;
  std::optional<std::string> id;
  bool names_id = false;  // the id key is there, a string or not
  std::optional<HttpResponse> error;
};

DefinitionBody ParseDefinitionBody(const http::HttpRequest& request, const Noun& noun) {
  thread_local simdjson::dom::parser parser;
  DefinitionBody body;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(request.body())).get(root) != simdjson::SUCCESS ||
      root.get_object().get(object) != simdjson::SUCCESS) {
    body.error = Refused("the body must be a JSON object: the keys of " + std::string(noun.table));
    return body;
  }
  std::string error;
  std::optional<std::string> definition = JsonObjectAsToml(object, error);
  if (!definition) {
    body.error = Refused(error);
    return body;
  }
  body.definition = std::move(*definition);
  simdjson::dom::element id;
  body.names_id = object[noun.id_key].get(id) == simdjson::SUCCESS;
  std::string_view named;
  if (body.names_id && id.get_string().get(named) == simdjson::SUCCESS) body.id = std::string(named);
  return body;
}

}  // namespace

std::optional<std::string> JsonObjectAsToml(simdjson::dom::object object, std::string& error) {
  std::string out;
  for (auto [key, value] : object) {
    out += config::TomlString(key);
    out += " = ";
    if (value.type() == simdjson::dom::element_type::ARRAY) {
      out += '[';
      bool first = true;
      for (simdjson::dom::element item : simdjson::dom::array(value)) {
        if (!first) out += ", ";
        first = false;
        if (!AppendScalar(out, item)) {
          error = Why(key, item);
          return std::nullopt;
        }
      }
      out += ']';
    } else if (value.type() == simdjson::dom::element_type::OBJECT) {
      out += '{';
      bool first = true;
      for (auto [inner_key, inner] : simdjson::dom::object(value)) {
        out += first ? " " : ", ";
        first = false;
        out += config::TomlString(inner_key);
        out += " = ";
        if (!AppendScalar(out, inner)) {
          error = Why(std::string(key) + "." + std::string(inner_key), inner);
          return std::nullopt;
        }
      }
      out += first ? "}" : " }";
    } else if (!AppendScalar(out, value)) {
      error = Why(key, value);
      return std::nullopt;
    }
    out += '\n';
  }
  return out;
}

std::string ProvisionedAgentJson(const config::AgentConfig& agent) {
  std::string out = "{";
  AppendConfiguredAgent(out, agent);
  out += ',';
  AppendSkillLevels(out, "skills", agent.skills);
  out += ",\"max_concurrent_sessions\":";
  out += agent.max_concurrent_sessions ? std::to_string(*agent.max_concurrent_sessions) : "null";
  out += '}';
  return out;
}

std::string ProvisionedOuJson(const config::OuConfig& ou) {
  std::string out = "{";
  http::AppendJsonStringField(out, "id", ou.id);
  out += ',';
  http::AppendJsonStringField(out, "parent", ou.parent);
  out += ",\"max_concurrent_sessions\":";
  out += ou.max_concurrent_sessions ? std::to_string(*ou.max_concurrent_sessions) : "null";
  out += ",\"max_concurrent_sessions_by_channel_kind\":{";
  for (std::size_t i = 0; i < ou.kind_caps.size(); ++i) {
    if (i) out += ',';
    http::AppendJsonIntField(out, ou.kind_caps[i].kind, ou.kind_caps[i].cap);
  }
  out += "}}";
  return out;
}

std::optional<HttpResponse> ProvisioningApi::Create(const http::HttpRequest& request, const Principal& who,
                                                    Object object, http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  DefinitionBody body = ParseDefinitionBody(request, NounOf(object));
  if (body.error) return std::move(*body.error);
  Change change;
  change.kind = Change::Kind::kCreate;
  change.object = object;
  change.tenant_id = who.tenant->id;
  change.definition = std::move(body.definition);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> ProvisioningApi::Replace(const http::HttpRequest& request, const Principal& who,
                                                     Object object, std::string_view id, http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  const Noun noun = NounOf(object);
  DefinitionBody body = ParseDefinitionBody(request, noun);
  if (body.error) return std::move(*body.error);
  if (body.id && *body.id != id) {
    return Refused(std::string(noun.id_key) + " = " + config::TomlString(*body.id) + " is not the one of the path ('" +
                   std::string(id) + "'); " + std::string(noun.whose) + " id does not change");
  }
  // The path names the object; the body need not repeat it. (A non-string id
  // stays in the body for the rules to refuse.)
  if (!body.names_id) body.definition = std::string(noun.id_key) + " = " + config::TomlString(id) + "\n" + body.definition;
  Change change;
  change.kind = Change::Kind::kReplace;
  change.object = object;
  change.tenant_id = who.tenant->id;
  change.object_id = std::string(id);
  change.definition = std::move(body.definition);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> ProvisioningApi::Remove(const Principal& who, Object object, std::string_view id,
                                                    http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  Change change;
  change.kind = Change::Kind::kRemove;
  change.object = object;
  change.tenant_id = who.tenant->id;
  change.object_id = std::string(id);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> ProvisioningApi::Submit(Change change, http::RequestContext& ctx) {
  http::DeferredResponse later = ctx.Defer();
  provisioner_(std::move(change), [later](HttpResponse r) { later.Send(std::move(r)); });
  return std::nullopt;
}

}  // namespace routerd::gateway
