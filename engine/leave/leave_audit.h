// History entries that record what was done with a message without changing
// its status: who played or downloaded its personal data (and whether that
// worked), and the states of the call an agent asked for to answer it.
//
// Thread safety: stateless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace routerd::leave {

enum class LeaveAudit : std::uint8_t {
  kPlay,            // the voice file was served for playback
  kPlayFailed,      // playback was asked for and the file could not be served
  kDownload,        // the message (voice file or JSON export) was served as a download
  kDownloadFailed,  // a download was asked for and could not be served
  kCallRequested,   // routerd asked the telephony for a call to the contact number
  kCallRinging,     // the telephony reports the contact's phone ringing
  kCallConnected,   // ... the call connected
  kCallFailed,      // ... the call failed (or routerd could not request it)
  kCallNoAnswer,    // ... the contact did not answer
};

// "play", "play_failed", "download", "download_failed", "call_requested",
// "call_ringing", "call_connected", "call_failed", "call_no_answer": the
// history's action names.
std::string_view LeaveAuditName(LeaveAudit audit);
std::optional<LeaveAudit> ParseLeaveAudit(std::string_view name);

// A call's entries name it first: "call_id=<id>", then " <more>" when `more`
// is not empty. Call ids have no spaces (the callback route refuses them).
std::string CallAuditDetail(std::string_view call_id, std::string_view more);
// The call an entry's detail names; nullopt when it names none.
std::optional<std::string_view> CallIdOfDetail(std::string_view detail);
// What the telephony reports about a call routerd asked for: only for a call
// whose kCallRequested entry the same message holds (kCallFailed also comes
// from routerd itself, for a call it asked for and could not place).
bool IsCallOutcome(LeaveAudit audit);

// The longest detail an audit entry keeps (bytes); longer ones are refused.
inline constexpr std::size_t kMaxAuditDetailBytes = 512;

}  // namespace routerd::leave
