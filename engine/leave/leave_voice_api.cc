// /api/v1/messages: the voice file of a message (download and playback, with
// single byte ranges) and an IVR's voice upload. Part of LeaveMessageApi.
#include <utility>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <spdlog/spdlog.h>

#include "engine/http/byte_range.h"
#include "engine/leave/leave_api_common.h"
#include "engine/leave/leave_json.h"
#include "engine/leave/leave_message_api.h"
#include "engine/leave/voice_upload.h"
#include "routerd/form.h"

namespace routerd::leave {
namespace {

using config::LeaveOperation;
using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using Field = boost::beast::http::field;
using namespace api;  // NOLINT: the handlers' shared vocabulary

// Longest contact number or channel id an IVR may send.
constexpr std::size_t kMaxVoiceField = 128;

// What a failed access keeps in the history: the reason, never longer than
// an audit detail may be.
std::string FailureDetail(const Status& status) {
  std::string detail = std::string(StatusCodeName(status.code())) + ": " + status.message();
  if (detail.size() > kMaxAuditDetailBytes) detail.resize(kMaxAuditDetailBytes);
  return detail;
}

// The answer for a read voice file: the bytes asked for, as an audio type
// only (whatever is stored) that the browser is told not to second-guess.
HttpResponse VoiceResponse(const leave::StoredLeaveMessage& m, std::string audio, const http::RangeRequest& range,
                           bool play) {
  const std::uint64_t size = audio.size();
  HttpResponse out;
  if (range.verdict == http::RangeVerdict::kPartial) {
    out = http::TextResponse(HttpStatus::partial_content,
                             audio.substr(static_cast<std::size_t>(range.range.first),
                                          static_cast<std::size_t>(range.range.length())),
                             ServedVoiceMediaType(m.attachment_mime, m.attachment_ref));
    out.set(Field::content_range, http::ContentRange(range.range, size));
  } else {
    out = http::TextResponse(HttpStatus::ok, std::move(audio),
                             ServedVoiceMediaType(m.attachment_mime, m.attachment_ref));
  }
  out.set(Field::accept_ranges, "bytes");
  out.set("X-Content-Type-Options", "nosniff");
  out.set(Field::content_disposition, std::string(play ? "inline" : "attachment") + "; filename=\"leave-message-" +
                                          std::to_string(m.id) + "." + FileExtension(m.attachment_ref) + "\"");
  out.set("X-Content-SHA256", m.attachment_sha256);
  return out;
}

}  // namespace

LeaveMessageApi::Response LeaveMessageApi::ServeVoice(const HttpRequest& request, std::int64_t id, bool play,
                                                      const gateway::Principal& who, const Deferrer& defer) {
  // Playback serves the same personal data as a download: the same right.
  if (!Allowed(who, LeaveOperation::kDownload)) return NoPermission(who, LeaveOperation::kDownload);
  Reply reply = defer();
  const LeaveAudit done_as = play ? LeaveAudit::kPlay : LeaveAudit::kDownload;
  const LeaveAudit failed_as = play ? LeaveAudit::kPlayFailed : LeaveAudit::kDownloadFailed;
  spdlog::info("leave message {} of tenant {} {} by '{}'", id, who.tenant->id, play ? "played" : "downloaded",
               who.name);
  reads_->Post([this, id, play, who, done_as, failed_as, reply,
                range_header = std::string(request[Field::range])] {
    const std::string& tenant = who.tenant->id;
    StatusOr<leave::StoredLeaveMessage> m = store_.Get(tenant, id);
    if (!m.ok()) return reply(ErrorResponse(m.status()));
    if (!Visible(who, *m)) return reply(Forbidden("message " + std::to_string(id) + " is not allocated to this agent"));
    // A failed access is recorded as failed; the answer is the failure's own.
    auto fail = [&](const Status& why, HttpResponse answer) {
      Status s = store_.RecordAuditAsync(tenant, id, failed_as, FailureDetail(why), ActorOf(who),
                                         [reply, answer](StatusOr<leave::StoredLeaveMessage> r) mutable {
                                           if (!r.ok()) return reply(ErrorResponse(r.status()));
                                           reply(std::move(answer));
                                         });
      if (!s.ok()) reply(ErrorResponse(s));
    };
    // The bytes go out only once the access is committed to the history.
    auto serve = [&](std::string detail, HttpResponse answer) {
      Status s = store_.RecordAuditAsync(tenant, id, done_as, std::move(detail), ActorOf(who),
                                         [reply, answer = std::move(answer)](StatusOr<leave::StoredLeaveMessage> r) mutable {
                                           if (!r.ok()) return reply(ErrorResponse(r.status()));
                                           reply(std::move(answer));
                                         });
      if (!s.ok()) reply(ErrorResponse(s));
    };
    if (!IsVoiceFile(*m)) {
      if (play) {
        return reply(Conflict("message " + std::to_string(id) + " has no voice file to play (channel type " +
                              m->channel_kind + ")"));
      }
      StatusOr<std::vector<leave::LeaveHistoryEntry>> history = store_.History(tenant, id);
      if (!history.ok()) return fail(history.status(), ErrorResponse(history.status()));
      HttpResponse out = Json(HttpStatus::ok, MessageJson(*m, &*history, SeesContact(who)));
      out.set(Field::content_disposition, "attachment; filename=\"leave-message-" + std::to_string(id) + ".json\"");
      return serve("export", std::move(out));
    }
    StatusOr<std::string> audio = store_.ReadVoiceAttachment(*m);
    if (!audio.ok()) return fail(audio.status(), ErrorResponse(audio.status()));
    const std::uint64_t size = audio->size();
    const http::RangeRequest range = http::ParseByteRange(range_header, size);
    if (range.verdict == http::RangeVerdict::kUnsatisfiable) {
      HttpResponse out = http::JsonError(HttpStatus::range_not_satisfiable, "range_not_satisfiable",
                                         "Range: the voice file has " + std::to_string(size) + " bytes");
      out.set(Field::content_range, "bytes */" + std::to_string(size));
      return fail(Status::InvalidArgument("Range: "  + range_header + " of " + std::to_string(size) + " bytes"),
                  std::move(out));
    }
    std::string detail = m->attachment_ref;
    if (range.verdict == http::RangeVerdict::kPartial) detail += " " + http::ContentRange(range.range, size);
    serve(std::move(detail), VoiceResponse(*m, std::move(*audio), range, play));
  }, Answer500(reply));
  return std::nullopt;
}

LeaveMessageApi::Response LeaveMessageApi::CreateVoice(HttpRequest& request, const gateway::Principal& who,
                                                       const Deferrer& defer) {
  if (auto refused = RefuseVoiceCreator(who)) return refused;
  StatusOr<std::string> boundary = MultipartFormBoundary(std::string_view(request[Field::content_type]));
  if (!boundary.ok()) return BadRequest("Content-Type: " + boundary.status().message());
  StatusOr<std::vector<MultipartPart>> parts = ParseMultipartForm(request.body(), *boundary);
  if (!parts.ok()) return BadRequest(parts.status().message());
  leave::VoiceMessage voice;
  voice.tenant_id = who.tenant->id;
  bool has_contact = false, has_type = false, has_file = false;
  std::vector<std::string_view> seen;
  for (const MultipartPart& p : *parts) {
    for (std::string_view s : seen) {
      if (s == p.name) return BadRequest(p.name + ": given more than once");
    }
    seen.push_back(p.name);
    const std::string_view data = p.body;
    if (p.name == "contact_number") {
      if (Status v = ValidateVoiceText("contact_number", data, kMaxVoiceField); !v.ok()) return BadRequest(v.message());
      voice.contact_number = std::string(data);
      has_contact = true;
    } else if (p.name == "channel_type") {
      if (data != "voice") {
        return BadRequest("channel_type: \"" + std::string(data) + "\" is not valid here (allowed: voice)");
      }
      has_type = true;
    } else if (p.name == "skill_queue") {
      // The queues in effect (a reload or the provisioning API may have changed them).
      bool known = false;
      for (const config::SkillQueueConfig& q : TenantInEffect(who)->skill_queues) known |= q.id == data && !q.retired;
      if (!known) return BadRequest("skill_queue: \"" + std::string(data) + "\" is not a skill queue of this tenant");
      voice.skill_queue = std::string(data);
    } else if (p.name == "channel_id") {
      if (Status v = ValidateVoiceText("channel_id", data, kMaxVoiceField); !v.ok()) return BadRequest(v.message());
      voice.channel_id = std::string(data);
    } else if (p.name == "file") {
      if (data.empty()) return BadRequest("file: the audio file is empty");
      const std::string file_name = p.filename.value_or("");
      if (Status v = ValidateVoiceText("file name", file_name, 255); !v.ok()) return BadRequest(v.message());
      StatusOr<std::string> type = VoiceMediaType(p.content_type, file_name);
      if (!type.ok()) return BadRequest(type.status().message());
      voice.audio = std::string(data);
      voice.mime = std::move(type).value();
      voice.file_name = file_name;
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
