#include "engine/leave/leave_audit.h"

namespace routerd::leave {

std::string_view LeaveAuditName(LeaveAudit audit) {
  switch (audit) {
    case LeaveAudit::kPlay: return "play";
    case LeaveAudit::kPlayFailed: return "play_failed";
    case LeaveAudit::kDownload: return "download";
    case LeaveAudit::kDownloadFailed: return "download_failed";
    case LeaveAudit::kCallRequested: return "call_requested";
    case LeaveAudit::kCallRinging: return "call_ringing";
    case LeaveAudit::kCallConnected: return "call_connected";
    case LeaveAudit::kCallFailed: return "call_failed";
    case LeaveAudit::kCallNoAnswer: return "call_no_answer";
  }
  return "unknown";
}

std::optional<LeaveAudit> ParseLeaveAudit(std::string_view name) {
  for (LeaveAudit a : {LeaveAudit::kPlay, LeaveAudit::kPlayFailed, LeaveAudit::kDownload, LeaveAudit::kDownloadFailed,
                       LeaveAudit::kCallRequested, LeaveAudit::kCallRinging, LeaveAudit::kCallConnected,
                       LeaveAudit::kCallFailed, LeaveAudit::kCallNoAnswer}) {
    if (LeaveAuditName(a) == name) return a;
  }
  return std::nullopt;
}

namespace {
constexpr std::string_view kCallIdPrefix = "call_id=";
}  // namespace

std::string CallAuditDetail(std::string_view call_id, std::string_view more) {
  std::string out(kCallIdPrefix);
  out += call_id;
  if (!more.empty()) {
    out += ' ';
    out += more;
  }
  return out;
}

std::optional<std::string_view> CallIdOfDetail(std::string_view detail) {
  if (!detail.starts_with(kCallIdPrefix)) return std::nullopt;
  detail.remove_prefix(kCallIdPrefix.size());
  const std::string_view id = detail.substr(0, detail.find(' '));
  if (id.empty()) return std::nullopt;
  return id;
}

bool IsCallOutcome(LeaveAudit audit) {
  return audit == LeaveAudit::kCallRinging || audit == LeaveAudit::kCallConnected ||
         audit == LeaveAudit::kCallFailed || audit == LeaveAudit::kCallNoAnswer;
}

}  // namespace routerd::leave
