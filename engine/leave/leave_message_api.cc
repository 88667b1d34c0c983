#include "engine/leave/leave_message_api.h"

#include <simdjson.h>

#include <algorithm>
#include <utility>
#include <variant>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "engine/leave/allocation_rule.h"
#include "engine/leave/leave_api_common.h"
#include "engine/leave/leave_json.h"
#include "engine/leave/voice_upload.h"
#include "routerd/text_encoding.h"

namespace routerd::leave {
namespace {

using config::LeaveOperation;
using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using http::JsonError;
using Verb = boost::beast::http::verb;
using Field = boost::beast::http::field;
using namespace api;  // NOLINT: the handlers' shared vocabulary

constexpr std::int64_t kDayMs = 86'400'000;

std::pair<std::string_view, std::string_view> Head(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash)};
}

std::optional<std::string> PercentDecode(std::string_view s) {
  StatusOr<std::string> d = DecodeFormComponent(s);
  if (!d.ok()) return std::nullopt;
  return std::move(*d);
}

struct QueryParam {
  std::string name;
  std::string value;
};

// The request target's query parameters, decoded; an error names the bad one.
std::variant<std::vector<QueryParam>, HttpResponse> QueryParams(std::string_view target) {
  std::vector<QueryParam> out;
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = std::min(rest.find('&'), rest.size());
    const std::string_view pair = rest.substr(0, amp);
    rest.remove_prefix(std::min(amp + 1, rest.size()));
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return BadRequest("malformed percent-encoding in the query string");
    for (const QueryParam& p : out) {
      if (p.name == *name) return BadRequest(*name + ": given more than once");
    }
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

// Room for a voice upload's multipart envelope: boundaries, part headers and
// the text fields beside the audio.
constexpr std::size_t kVoiceEnvelopeBytes = 64 << 10;

}  // namespace

http::BodyPermit LeaveMessageApi::AdmitBody(const HttpRequest& head, std::string_view path,
                                            const gateway::Principal& who, std::size_t default_limit) const {
  if (!path.empty() || head.method() != Verb::post) return http::BodyPermit::Allow(default_limit);
  if (auto refused = RefuseVoiceCreator(who)) return http::BodyPermit::Refuse(std::move(*refused));
  return http::BodyPermit::Allow(static_cast<std::size_t>(config_.storage.max_voice_bytes) + kVoiceEnvelopeBytes);
}

HttpResponse ErrorResponse(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return BadRequest(status.message());
    case StatusCode::kNotFound: return JsonError(HttpStatus::not_found, "not_found", status.message());
    case StatusCode::kPermissionDenied: return Forbidden(status.message());
    case StatusCode::kFailedPrecondition: return JsonError(HttpStatus::conflict, "conflict", status.message());
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable: {
      HttpResponse r = JsonError(HttpStatus::service_unavailable, "unavailable", status.message());
      r.set(Field::retry_after, "1");
      return r;
    }
    default:
      spdlog::error("leave-message API: {}", status.ToString());
      return JsonError(HttpStatus::internal_server_error, "internal", "the message store failed; see the log");
  }
}

LeaveMessageApi::LeaveMessageApi(const config::Config& config, leave::LeaveRepository& store, const Clock& clock,
                                 Hooks hooks)
    : config_(config),
      store_(store),
      clock_(clock),
      hooks_(std::move(hooks)),
      reads_(TaskThread::Create("leave-api")) {}

LeaveMessageApi::~LeaveMessageApi() { reads_->Stop(); }

std::optional<HttpResponse> LeaveMessageApi::Handle(HttpRequest& request, std::string_view path,
                                                    const gateway::Principal& who, http::RequestContext& ctx) {
  return Handle(request, path, who, Deferrer([&ctx]() -> Reply {
                  http::DeferredResponse later = ctx.Defer();
                  return [later](HttpResponse r) { later.Send(std::move(r)); };
                }));
}

std::optional<HttpResponse> LeaveMessageApi::Handle(HttpRequest& request, std::string_view path,
                                                    const gateway::Principal& who, const Deferrer& defer) {
  const Verb verb = request.method();
  auto [first, rest] = Head(path);
  if (first.empty()) {
    if (verb == Verb::get) return Query(request, who, defer);
    if (verb == Verb::post) return CreateVoice(request, who, defer);
    return MethodNotAllowed("GET, POST");
  }
  const std::optional<std::int64_t> id = ParseInt(first);
  if (!id || *id <= 0) return JsonError(HttpStatus::not_found, "not_found", "no such message");
  if (rest.empty()) {
    if (verb != Verb::get) return MethodNotAllowed("GET");
    return GetOne(*id, who, defer);
  }
  if (rest == "/download" || rest == "/play") {
    if (verb != Verb::get) return MethodNotAllowed("GET");
    return ServeVoice(request, *id, rest == "/play", who, defer);
  }
  if (rest == "/call") {
    if (verb != Verb::post) return MethodNotAllowed("POST");
    return Call(request, *id, who, defer);
  }
  if (rest == "/allocate" || rest == "/process" || rest == "/submit") {
    if (verb != Verb::post) return MethodNotAllowed("POST");
    if (rest == "/allocate") return Allocate(request, *id, who, defer);
    return Transition(request, *id, rest == "/submit", who, defer);
  }
  return JsonError(HttpStatus::not_found, "not_found", "no such endpoint");
}

LeaveMessageApi::Response LeaveMessageApi::Query(const HttpRequest& request, const gateway::Principal& who,
                                                 const Deferrer& defer) {
  if (!Allowed(who, LeaveOperation::kQuery)) return NoPermission(who, LeaveOperation::kQuery);
  auto parsed = QueryParams(std::string_view(request.target().data(), request.target().size()));
  if (auto* err = std::get_if<HttpResponse>(&parsed)) return std::move(*err);
  leave::LeaveQuery q;
  bool window = false, range = false;
  for (const QueryParam& p : std::get<std::vector<QueryParam>>(parsed)) {
    if (p.name == "window") {
      int days = p.value == "1d" ? 1 : p.value == "3d" ? 3 : p.value == "7d" ? 7 : 0;
      if (days == 0) return BadRequest("window: \"" + p.value + "\" is not valid (allowed: 1d, 3d, 7d)");
      q.from_ms = clock_.WallMs() - days * kDayMs;
      window = true;
    } else if (p.name == "from" || p.name == "to") {
      auto v = ParseInt(p.value);
      if (!v || *v < 0) return BadRequest(p.name + ": must be a time in Unix milliseconds");
      (p.name == "from" ? q.from_ms : q.to_ms) = *v;
      range = true;
    } else if (p.name == "contact_number") {
      q.contact_number = p.value;
    } else if (p.name == "status") {
      q.status = leave::ParseLeaveStatus(p.value);
      if (!q.status) {
        return BadRequest("status: \"" + p.value +
                          "\" is not valid (allowed: to_be_allocated, unprocessed, processing, processed, "
                          "allocation_failed)");
      }
    } else if (p.name == "employee_id") {
      q.employee_id = p.value;
    } else if (p.name == "channel_type") {
      // Matched without regard to case ("WEB" is the product's spelling).
      std::string kind = p.value;
      for (char& c : kind) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      const std::vector<std::string> known = config::LeaveChannelTypes(*who.tenant);
      if (std::find(known.begin(), known.end(), kind) == known.end()) {
        std::string allowed;
        for (const std::string& k : known) allowed += (allowed.empty() ? "" : ", ") + k;
        return BadRequest("channel_type: \"" + p.value + "\" is not a channel type of this tenant (allowed: " +
                          allowed + ")");
      }
      q.channel_kind = std::move(kind);
    } else if (p.name == "page_size") {
      auto v = ParseInt(p.value);
      if (!v || *v < 1 || *v > static_cast<std::int64_t>(leave::kMaxLeavePageSize)) {
        return BadRequest("page_size: must be an integer in 1.." +
                          std::to_string(leave::kMaxLeavePageSize));
      }
      q.page_size = static_cast<std::size_t>(*v);
    } else if (p.name == "cursor") {
      q.cursor = p.value;
    } else {
      return BadRequest("unknown query parameter '" + p.name +
                        "' (allowed: window, from, to, contact_number, status, employee_id, channel_type, "
                        "page_size, cursor)");
    }
  }
  if (window && range) return BadRequest("window: give either window or from/to, not both");
  if (q.from_ms && q.to_ms && *q.from_ms >= *q.to_ms) return BadRequest("from: must be before to");
  if (!who.admin()) {
    if (!q.employee_id.empty() && q.employee_id != who.employee_id) {
      return Forbidden("employee_id: an agent token sees only the messages allocated to it");
    }
    q.employee_id = who.employee_id;
  }
  Reply reply = defer();
  reads_->Post([this, tenant = who.tenant->id, q = std::move(q), reply, show_contact = SeesContact(who)] {
    StatusOr<leave::LeavePage> page = store_.Query(tenant, q);
    if (!page.ok()) return reply(ErrorResponse(page.status()));
    std::string out = "{\"messages\":[";
    for (std::size_t i = 0; i < page->items.size(); ++i) {
      if (i) out += ",";
      out += MessageJson(page->items[i], nullptr, show_contact);
    }
    out += "],\"next_cursor\":";
    if (page->next_cursor.empty()) {
      out += "null";
    } else {
      http::AppendJsonString(out, page->next_cursor);
    }
    out += ",\"total\":" + std::to_string(page->total) + "}";
    reply(Json(HttpStatus::ok, std::move(out)));
  }, Answer500(reply));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::GetOne(std::int64_t id, const gateway::Principal& who,
                                                  const Deferrer& defer) {
  if (!Allowed(who, LeaveOperation::kQuery)) return NoPermission(who, LeaveOperation::kQuery);
  Reply reply = defer();
  reads_->Post([this, id, who, reply] {
    StatusOr<leave::StoredLeaveMessage> m = store_.Get(who.tenant->id, id);
    if (!m.ok()) return reply(ErrorResponse(m.status()));
    if (!Visible(who, *m)) return reply(Forbidden("message " + std::to_string(id) + " is not allocated to this agent"));
    StatusOr<std::vector<leave::LeaveHistoryEntry>> history = store_.History(who.tenant->id, id);
    if (!history.ok()) return reply(ErrorResponse(history.status()));
    reply(Json(HttpStatus::ok, MessageJson(*m, &*history, SeesContact(who))));
  }, Answer500(reply));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::Allocate(const HttpRequest& request, std::int64_t id,
                                                    const gateway::Principal& who, const Deferrer& defer) {
  if (!Allowed(who, LeaveOperation::kAllocate)) return NoPermission(who, LeaveOperation::kAllocate);
  auto body = ParseBody(request, {"employee_id"}, false);
  if (auto* err = std::get_if<HttpResponse>(&body)) return std::move(*err);
  std::string_view employee;
  auto field = std::get<simdjson::dom::element>(body)["employee_id"];
  if (field.error() == simdjson::NO_SUCH_FIELD) return BadRequest("employee_id is required");
  if (field.get_string().get(employee) != simdjson::SUCCESS) return BadRequest("employee_id must be a string");
  // The agents in effect; the snapshot lives as long as the task that uses it.
  const std::shared_ptr<const config::TenantConfig> tenant = TenantInEffect(who);
  const config::AgentConfig* agent = nullptr;
  for (const config::AgentConfig& a : tenant->agents) {
    if (a.employee_id == employee && !a.retired) agent = &a;
  }
  if (agent == nullptr) {
    return BadRequest("employee_id: \"" + std::string(employee) + "\" is not an agent of this tenant");
  }
  spdlog::info("leave message {} of tenant {} allocated to {} by '{}'", id, who.tenant->id, agent->employee_id,
               who.name);
  Reply reply = defer();
  // The message's channel decides which agents may take it; it never changes,
  // so reading it before the write is enough (the status is checked in the write).
  reads_->Post([this, id, tenant, agent, who, reply] {
    (void)tenant;  // keeps `agent` alive
    StatusOr<leave::StoredLeaveMessage> m = store_.Get(who.tenant->id, id);
    if (!m.ok()) return reply(ErrorResponse(m.status()));
    if (Status rule = CheckAllocationTarget(m->channel_kind, *agent); !rule.ok()) {
      return reply(Conflict("leave message " + std::to_string(id) + ": " + rule.message()));
    }
    Notifier notify = hooks_.notify_allocated;
    Status s = store_.AllocateAsync(
        who.tenant->id, id, agent->employee_id, agent->business_account, ActorOf(who),
        [reply, notify, show_contact = SeesContact(who),
         agent_sees_contact = who.tenant->permissions.Allows(config::TokenConfig::Role::kAgent,
                                                             LeaveOperation::kViewContact)](
            StatusOr<leave::StoredLeaveMessage> r) {
          if (!r.ok()) return reply(ErrorResponse(r.status()));
          if (notify && r->employee_id) {
            notify(r->tenant_id, *r->employee_id, AllocatedEventJson(*r, agent_sees_contact));
          }
          reply(Json(HttpStatus::ok, MessageJson(*r, nullptr, show_contact)));
        });
    if (!s.ok()) reply(ErrorResponse(s));
  }, Answer500(reply));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::Transition(const HttpRequest& request, std::int64_t id, bool submit,
                                                      const gateway::Principal& who, const Deferrer& defer) {
  const LeaveOperation op = submit ? LeaveOperation::kSubmit : LeaveOperation::kProcess;
  if (!Allowed(who, op)) return NoPermission(who, op);
  std::string comments;
  if (submit) {
    auto body = ParseBody(request, {"handling_comments"}, false);
    if (auto* err = std::get_if<HttpResponse>(&body)) return std::move(*err);
    auto field = std::get<simdjson::dom::element>(body)["handling_comments"];
    if (field.error() == simdjson::NO_SUCH_FIELD) return BadRequest("handling_comments is required");
    std::string_view text;
    if (field.get_string().get(text) != simdjson::SUCCESS) return BadRequest("handling_comments must be a string");
    if (Status valid = leave::ValidateHandlingComments(text); !valid.ok()) return ErrorResponse(valid);
    comments = std::string(text);
  } else {
    auto body = ParseBody(request, {}, true);
    if (auto* err = std::get_if<HttpResponse>(&body)) return std::move(*err);
  }
  Reply reply = defer();
  auto done = [reply, show_contact = SeesContact(who)](StatusOr<leave::StoredLeaveMessage> r) {
    if (!r.ok()) return reply(ErrorResponse(r.status()));
    reply(Json(HttpStatus::ok, MessageJson(*r, nullptr, show_contact)));
  };
  if (submit) {
    Status s = store_.SubmitHandlingAsync(who.tenant->id, id, std::move(comments), ActorOf(who), done);
    if (!s.ok()) reply(ErrorResponse(s));
    return std::nullopt;
  }
  // Processing starts the work on the message: the agent must be idle (an
  // administrator acts for it). The status and ownership are checked again in
  // the write; here only what the write cannot know.
  reads_->Post([this, id, who, reply, done] {
    StatusOr<leave::StoredLeaveMessage> m = store_.Get(who.tenant->id, id);
    if (!m.ok()) return reply(ErrorResponse(m.status()));
    LeaveTransition t;
    t.kind = LeaveTransition::Kind::kProcess;
    t.tenant_id = who.tenant->id;
    t.id = id;
    if (m->status == LeaveStatus::kUnprocessed && Visible(who, *m)) {
      if (Status may = CheckMayAct(who, *m, t.detail); !may.ok()) return reply(ErrorResponse(may));
    }
    Status s = store_.TransitionAsync(std::move(t), ActorOf(who), done);
    if (!s.ok()) reply(ErrorResponse(s));
  }, Answer500(reply));
  return std::nullopt;
}

std::shared_ptr<const config::TenantConfig> LeaveMessageApi::TenantInEffect(const gateway::Principal& who) const {
  std::shared_ptr<const config::TenantConfig> tenant;
  if (hooks_.tenant_in_effect) tenant = hooks_.tenant_in_effect(who.tenant->id);
  // The start-up configuration outlives this object: no owner needed.
  if (tenant == nullptr) tenant = std::shared_ptr<const config::TenantConfig>(std::shared_ptr<void>(), who.tenant);
  return tenant;
}

}  // namespace routerd::leave
