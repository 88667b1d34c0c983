#include "engine/storage/leave_common.h"

#include <openssl/evp.h>

#include <cctype>
#include <charconv>
#include <utility>

#include "engine/leave/leave_audit.h"

namespace routerd::storage {
namespace {

using leave::LeaveAction;
using Kind = leave::LeaveTransition::Kind;

// Validates the cursor "<created_at_ms>:<id>".
bool ParseCursor(const std::string& cursor, std::int64_t& created, std::int64_t& id) {
  auto colon = cursor.find(':');
  if (colon == std::string::npos) return false;
  const char* b = cursor.data();
  auto r1 = std::from_chars(b, b + colon, created);
  auto r2 = std::from_chars(b + colon + 1, b + cursor.size(), id);
  return r1.ec == std::errc() && r1.ptr == b + colon && r2.ec == std::errc() && r2.ptr == b + cursor.size();
}

LeaveAction ActionOf(Kind kind) {
  switch (kind) {
    case Kind::kAllocate:
      return LeaveAction::kAllocate;
    case Kind::kAllocationFailed:
      return LeaveAction::kAllocationFailed;
    case Kind::kProcess:
      return LeaveAction::kProcess;
    case Kind::kSubmit:
    case Kind::kAudit:
      break;
  }
  return LeaveAction::kSubmit;
}

}  // namespace

std::string LeaveMessageName(std::int64_t id) { return "leave message " + std::to_string(id); }

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xf]);
  }
  return out;
}

std::string AttachmentExtension(std::string_view file_name, std::string_view mime) {
  auto dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string ext;
    for (char ch : file_name.substr(dot + 1)) {
      ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
    bool safe = !ext.empty() && ext.size() <= 8;
    for (char ch : ext) safe = safe && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'));
    if (safe) return ext;
  }
  struct Known {
    std::string_view mime, ext;
  };
  static constexpr Known kKnown[] = {
      {"audio/wav", "wav"},  {"audio/x-wav", "wav"}, {"audio/wave", "wav"}, {"audio/mpeg", "mp3"},
      {"audio/mp3", "mp3"},  {"audio/ogg", "ogg"},   {"audio/amr", "amr"},  {"audio/mp4", "m4a"},
      {"audio/aac", "aac"},  {"audio/webm", "webm"}, {"audio/flac", "flac"},
  };
  for (const Known& k : kKnown) {
    if (k.mime == mime) return std::string(k.ext);
  }
  return "bin";
}

std::string VoiceAttachmentRef(std::int64_t id, std::string_view extension) {
  return "voice/" + std::to_string(id) + "." + std::string(extension);
}

VoiceUpload SplitVoiceUpload(leave::VoiceMessage voice, std::int64_t now_ms) {
  VoiceUpload out;
  leave::LeaveMessage& m = out.message;
  m.tenant_id = std::move(voice.tenant_id);
  m.channel_kind = "voice";
  m.channel_id = std::move(voice.channel_id);
  m.customer_id = std::move(voice.contact_number);
  m.skill_queue = std::move(voice.skill_queue);
  m.reason = "voice";
  m.created_at_ms = voice.created_at_ms > 0 ? voice.created_at_ms : now_ms;
  out.file.sha256 = Sha256Hex(voice.audio);
  out.file.extension = AttachmentExtension(voice.file_name, voice.mime);
  out.file.mime = std::move(voice.mime);
  out.file.audio = std::move(voice.audio);
  return out;
}

LeaveMessageSummary SummarizeLeaveMessage(const leave::LeaveMessage& message) {
  LeaveMessageSummary out;
  for (const ContactPtr& c : message.messages) {
    if (!c->text.empty()) {
      if (!out.text.empty()) out.text.push_back('\n');
      out.text += c->text;
    }
    if (out.first_attachment == nullptr && !c->attachments.empty()) out.first_attachment = &c->attachments.front();
  }
  return out;
}

StatusOr<LeavePageBounds> CheckLeaveQuery(const leave::LeaveQuery& q) {
  LeavePageBounds b;
  b.page_size = q.page_size == 0 ? leave::kDefaultLeavePageSize : q.page_size;
  if (b.page_size > leave::kMaxLeavePageSize) {
    return Status::InvalidArgument("page_size: " + std::to_string(b.page_size) + ", at most " +
                                   std::to_string(leave::kMaxLeavePageSize));
  }
  if (q.from_ms && q.to_ms && *q.from_ms > *q.to_ms) {
    return Status::InvalidArgument("time window: from is after to");
  }
  if (!q.cursor.empty()) {
    if (!ParseCursor(q.cursor, b.cursor_created_at_ms, b.cursor_id)) {
      return Status::InvalidArgument("cursor: \"" + q.cursor + "\" is not a cursor returned by a previous page");
    }
    b.after_cursor = true;
  }
  return b;
}

std::string LeaveCursorAfter(const leave::StoredLeaveMessage& last) {
  return std::to_string(last.created_at_ms) + ":" + std::to_string(last.id);
}

StatusOr<LeaveChange> PlanLeaveTransition(const leave::LeaveTransition& t, const leave::Actor& actor,
                                          const leave::StoredLeaveMessage& current) {
  const bool own_only = t.kind == Kind::kProcess || t.kind == Kind::kSubmit || t.kind == Kind::kAudit;
  if (own_only && !actor.own_employee_id.empty() && current.employee_id != actor.own_employee_id) {
    return Status::PermissionDenied(LeaveMessageName(t.id) + " is not allocated to employee " + actor.own_employee_id);
  }
  LeaveChange change;
  change.from = current.status;
  if (t.kind == Kind::kAudit) {
    change.action = std::string(leave::LeaveAuditName(t.audit));
    change.to = current.status;
    change.detail = t.detail;
    change.audit = true;
    if (leave::IsCallOutcome(t.audit)) {
      const std::optional<std::string_view> call_id = leave::CallIdOfDetail(t.detail);
      if (!call_id) return Status::InvalidArgument("a call's state must name its call (call_id)");
      change.call_id = std::string(*call_id);
    }
    return change;
  }
  const LeaveAction action = ActionOf(t.kind);
  Status allowed = leave::CheckLeaveTransition(current.status, action);
  if (!allowed.ok()) return Status(allowed.code(), LeaveMessageName(t.id) + ": " + allowed.message());
  change.action = std::string(leave::LeaveActionName(action));
  change.to = leave::LeaveActionTarget(action);
  if (t.kind == Kind::kAllocate) {
    change.employee_id = t.employee_id;
    change.business_account = t.business_account;
    change.detail = "employee_id=" + t.employee_id + " business_account=" + t.business_account;
  } else {
    change.detail = t.detail;
  }
  if (t.kind == Kind::kSubmit) change.handling_comments = t.handling_comments;
  return change;
}

Status CallNotRequested(std::int64_t id, std::string_view call_id) {
  return Status::NotFound(LeaveMessageName(id) + " has no call " + std::string(call_id) +
                          ": routerd did not ask for it on this message");
}

}  // namespace routerd::storage
