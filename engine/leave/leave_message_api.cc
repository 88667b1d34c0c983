#include "engine/leave/leave_message_api.h"

#include <simdjson.h>

#include <charconv>
#include <utility>
#include <variant>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "engine/leave/leave_json.h"
#include "engine/leave/multipart.h"
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

constexpr std::int64_t kDayMs = 86'400'000;

HttpResponse Json(HttpStatus status, std::string body) {
  return http::TextResponse(status, std::move(body), "application/json");
}

HttpResponse BadRequest(std::string_view detail) { return JsonError(HttpStatus::bad_request, "bad_request", detail); }

HttpResponse MethodNotAllowed(std::string_view allow) {
  HttpResponse r = JsonError(HttpStatus::method_not_allowed, "method_not_allowed", "allowed: " + std::string(allow));
  r.set(Field::allow, allow);
  return r;
}

std::pair<std::string_view, std::string_view> Head(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return {path, {}};
  return {path.substr(0, slash), path.substr(slash)};
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
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

// A JSON object body with only the allowed keys; errors name the field.
std::variant<simdjson::dom::element, HttpResponse> ParseBody(const HttpRequest& request,
                                                            std::initializer_list<std::string_view> allowed,
                                                            bool empty_ok) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (empty_ok && request.body().find_first_not_of(" \t\r\n") == std::string::npos) {
    if (parser.parse(simdjson::padded_string(std::string_view("{}"))).get(root) != simdjson::SUCCESS) {
      return BadRequest("the body must be a JSON object");
    }
    return root;
  }
  simdjson::dom::object object;
  if (parser.parse(simdjson::padded_string(request.body())).get(root) != simdjson::SUCCESS ||
      root.get_object().get(object) != simdjson::SUCCESS) {
    return BadRequest("the body must be a JSON object");
  }
  for (auto field : object) {
    bool known = false;
    for (std::string_view k : allowed) known |= field.key == k;
    if (!known) return BadRequest("unknown field '" + std::string(field.key) + "'");
  }
  return root;
}

leave::Actor ActorOf(const gateway::Principal& who) {
  return leave::Actor{who.name, who.admin() ? std::string() : who.employee_id};
}

bool Allowed(const gateway::Principal& who, LeaveOperation op) {
  return who.tenant->permissions.Allows(who.role, op);
}

// Contact numbers reach a browser only for roles with view_contact; the
// others get them masked here, on the server.
bool SeesContact(const gateway::Principal& who) { return Allowed(who, LeaveOperation::kViewContact); }

HttpResponse Forbidden(std::string_view detail) { return JsonError(HttpStatus::forbidden, "forbidden", detail); }

HttpResponse NoPermission(const gateway::Principal& who, LeaveOperation op) {
  return Forbidden(std::string(who.admin() ? "tenant_admin" : "agent") + " tokens of this tenant lack the '" +
                   std::string(config::LeaveOperationName(op)) + "' permission");
}

// Agents see only what is allocated to them.
bool Visible(const gateway::Principal& who, const leave::StoredLeaveMessage& m) {
  return who.admin() || (m.employee_id && *m.employee_id == who.employee_id);
}

bool IsVoiceFile(const leave::StoredLeaveMessage& m) {
  return m.channel_kind == "voice" && !m.attachment_sha256.empty() && !m.attachment_ref.empty();
}

// Longest contact number or channel id an IVR may send.
constexpr std::size_t kMaxVoiceField = 128;

// For a read task that failed: its request still gets an answer.
TaskThread::Task Answer500(const LeaveMessageApi::Reply& reply) {
  return [reply] { reply(JsonError(HttpStatus::internal_server_error, "internal", "the request could not be handled")); };
}

// Only the IVR, with the tenant admin's token, records voice messages.
std::optional<HttpResponse> RefuseVoiceCreator(const gateway::Principal& who) {
  if (who.admin()) return std::nullopt;
  return Forbidden("creating a voice message needs a tenant_admin token (the IVR's)");
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
  if (rest == "/download") {
    if (verb != Verb::get) return MethodNotAllowed("GET");
    return Download(*id, who, defer);
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
      q.channel_kind = p.value;
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
  const config::AgentConfig* agent = nullptr;
  for (const config::AgentConfig& a : who.tenant->agents) {
    if (a.employee_id == employee) agent = &a;
  }
  if (agent == nullptr) {
    return BadRequest("employee_id: \"" + std::string(employee) + "\" is not an agent of this tenant");
  }
  spdlog::info("leave message {} of tenant {} allocated to {} by '{}'", id, who.tenant->id, agent->employee_id,
               who.name);
  Reply reply = defer();
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
  Status s = submit ? store_.SubmitHandlingAsync(who.tenant->id, id, std::move(comments), ActorOf(who), done)
                    : store_.ProcessAsync(who.tenant->id, id, ActorOf(who), done);
  if (!s.ok()) reply(ErrorResponse(s));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::Download(std::int64_t id, const gateway::Principal& who,
                                                    const Deferrer& defer) {
  if (!Allowed(who, LeaveOperation::kDownload)) return NoPermission(who, LeaveOperation::kDownload);
  Reply reply = defer();
  std::shared_ptr<TaskThread> reads = reads_;
  leave::LeaveRepository* store = &store_;
  const std::string tenant = who.tenant->id;
  spdlog::info("leave message {} of tenant {} downloaded by '{}'", id, tenant, who.name);
  // The audit entry is committed first; the file is read after, off the writer thread.
  const bool show_contact = SeesContact(who);
  Status s = store_.RecordDownloadAsync(
      tenant, id, ActorOf(who),
      [reply, reads, store, tenant, id, show_contact](StatusOr<leave::StoredLeaveMessage> r) {
        if (!r.ok()) return reply(ErrorResponse(r.status()));
        reads->Post([reply, store, tenant, id, show_contact, m = std::move(*r)] {
          if (IsVoiceFile(m)) {
            StatusOr<std::string> audio = store->ReadVoiceAttachment(m);
            if (!audio.ok()) return reply(ErrorResponse(audio.status()));
            // Only an audio type is ever served, whatever is stored, and the
            // browser is told not to guess another.
            HttpResponse out = http::TextResponse(HttpStatus::ok, std::move(*audio),
                                                  ServedVoiceMediaType(m.attachment_mime, m.attachment_ref));
            out.set("X-Content-Type-Options", "nosniff");
            out.set(Field::content_disposition, "attachment; filename=\"leave-message-" + std::to_string(id) + "." +
                                                    FileExtension(m.attachment_ref) + "\"");
            out.set("X-Content-SHA256", m.attachment_sha256);
            return reply(std::move(out));
          }
          StatusOr<std::vector<leave::LeaveHistoryEntry>> history = store->History(tenant, id);
          if (!history.ok()) return reply(ErrorResponse(history.status()));
          HttpResponse out = Json(HttpStatus::ok, MessageJson(m, &*history, show_contact));
          out.set(Field::content_disposition, "attachment; filename=\"leave-message-" + std::to_string(id) + ".json\"");
          reply(std::move(out));
        });
      });
  if (!s.ok()) reply(ErrorResponse(s));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::CreateVoice(HttpRequest& request, const gateway::Principal& who,
                                                       const Deferrer& defer) {
  if (auto refused = RefuseVoiceCreator(who)) return refused;
  StatusOr<std::string> boundary = MultipartBoundary(std::string_view(request[Field::content_type]));
  if (!boundary.ok()) return BadRequest(boundary.status().message());
  StatusOr<std::vector<FormPart>> parts = ParseMultipart(request.body(), *boundary);
  if (!parts.ok()) return BadRequest(parts.status().message());
  leave::VoiceMessage voice;
  voice.tenant_id = who.tenant->id;
  bool has_contact = false, has_type = false, has_file = false;
  std::vector<std::string> seen;
  for (FormPart& p : *parts) {
    for (const std::string& s : seen) {
      if (s == p.name) return BadRequest(p.name + ": given more than once");
    }
    seen.push_back(p.name);
    if (p.name == "contact_number") {
      if (Status v = ValidateVoiceText("contact_number", p.data, kMaxVoiceField); !v.ok()) return BadRequest(v.message());
      voice.contact_number = std::move(p.data);
      has_contact = true;
    } else if (p.name == "channel_type") {
      if (p.data != "voice") {
        return BadRequest("channel_type: \"" + p.data + "\" is not valid here (allowed: voice)");
      }
      has_type = true;
    } else if (p.name == "skill_queue") {
      bool known = false;
      for (const config::SkillQueueConfig& q : who.tenant->skill_queues) known |= q.id == p.data;
      if (!known) return BadRequest("skill_queue: \"" + p.data + "\" is not a skill queue of this tenant");
      voice.skill_queue = std::move(p.data);
    } else if (p.name == "channel_id") {
      if (Status v = ValidateVoiceText("channel_id", p.data, kMaxVoiceField); !v.ok()) return BadRequest(v.message());
      voice.channel_id = std::move(p.data);
    } else if (p.name == "file") {
      if (p.data.empty()) return BadRequest("file: the audio file is empty");
      if (Status v = ValidateVoiceText("file name", p.file_name, 255); !v.ok()) return BadRequest(v.message());
      StatusOr<std::string> type = VoiceMediaType(p.content_type, p.file_name);
      if (!type.ok()) return BadRequest(type.status().message());
      voice.audio = std::move(p.data);
      voice.mime = std::move(type).value();
      voice.file_name = std::move(p.file_name);
      has_file = true;
    } else {
      return BadRequest("unknown field '" + p.name +
                        "' (allowed: contact_number, channel_type, file, skill_queue, channel_id)");
    }
  }
  if (!has_contact || voice.contact_number.empty()) return BadRequest("contact_number is required");
  if (!has_type) return BadRequest("channel_type is required (voice)");
  if (!has_file) return BadRequest("file is required (the audio)");
  Reply reply = defer();
  CreatedHook created = hooks_.on_created;
  Status s = store_.CreateVoiceAsync(std::move(voice), ActorOf(who),
                                     [reply, created, show_contact = SeesContact(who)](
                                         StatusOr<leave::StoredLeaveMessage> r) {
                                       if (!r.ok()) return reply(ErrorResponse(r.status()));
                                       if (created) created(*r);
                                       reply(Json(HttpStatus::created, MessageJson(*r, nullptr, show_contact)));
                                     });
  if (!s.ok()) reply(ErrorResponse(s));
  return std::nullopt;
}

}  // namespace routerd::leave
