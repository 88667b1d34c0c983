#include "engine/gateway/agent_api.h"

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

// The body as the definition of one agent (a TOML table), with the employee
// id it names, if any; else the 400.
struct AgentBody {
  std::string definition;
  std::optional<std::string> employee_id;
  bool names_employee = false;  // employee_id is there, a string or not
  std::optional<HttpResponse> error;
};

AgentBody ParseAgentBody(const http::HttpRequest& request) {
  thread_local simdjson::dom::parser parser;
  AgentBody body;
  simdjson::dom::element root;
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(request.body())).get(root) != simdjson::SUCCESS ||
      root.get_object().get(object) != simdjson::SUCCESS) {
    body.error = Refused("the body must be a JSON object: the agent's keys, as in [[tenants.agents]]");
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
  body.names_employee = object["employee_id"].get(id) == simdjson::SUCCESS;
  std::string_view named;
  if (body.names_employee && id.get_string().get(named) == simdjson::SUCCESS) body.employee_id = std::string(named);
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

std::optional<HttpResponse> AgentApi::Create(const http::HttpRequest& request, const Principal& who,
                                             http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  AgentBody body = ParseAgentBody(request);
  if (body.error) return std::move(*body.error);
  Change change;
  change.kind = Change::Kind::kCreate;
  change.tenant_id = who.tenant->id;
  change.definition = std::move(body.definition);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> AgentApi::Replace(const http::HttpRequest& request, const Principal& who,
                                              std::string_view employee_id, http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  AgentBody body = ParseAgentBody(request);
  if (body.error) return std::move(*body.error);
  if (body.employee_id && *body.employee_id != employee_id) {
    return Refused("employee_id = " + config::TomlString(*body.employee_id) + " is not the agent of the path ('" +
                      std::string(employee_id) + "'); an agent's id does not change");
  }
  // The path names the agent; the body need not repeat it. (A non-string
  // employee_id stays in the body for the rules to refuse.)
  if (!body.names_employee) {
    body.definition = "employee_id = " + config::TomlString(employee_id) + "\n" + body.definition;
  }
  Change change;
  change.kind = Change::Kind::kReplace;
  change.tenant_id = who.tenant->id;
  change.employee_id = std::string(employee_id);
  change.definition = std::move(body.definition);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> AgentApi::Remove(const Principal& who, std::string_view employee_id,
                                             http::RequestContext& ctx) {
  if (!who.admin()) return Forbidden("tenant_admin only");
  Change change;
  change.kind = Change::Kind::kRemove;
  change.tenant_id = who.tenant->id;
  change.employee_id = std::string(employee_id);
  change.by = who.name;
  return Submit(std::move(change), ctx);
}

std::optional<HttpResponse> AgentApi::Submit(Change change, http::RequestContext& ctx) {
  http::DeferredResponse later = ctx.Defer();
  provisioner_(std::move(change), [later](HttpResponse r) { later.Send(std::move(r)); });
  return std::nullopt;
}

}  // namespace routerd::gateway
