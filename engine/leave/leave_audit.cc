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

}  // namespace routerd::leave
