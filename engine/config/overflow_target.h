// How the configuration file writes a skill queue's on_overflow:
// "leave_message", or "queue:<skill queue id>". The loader reads it, and
// --check-config and the configuration API write it back the same way.
//
// Thread safety: constants and a pure function.
#pragma once

#include <string>
#include <string_view>

#include "engine/config/config.h"

namespace routerd::config {

inline constexpr std::string_view kOverflowLeaveMessage = "leave_message";
inline constexpr std::string_view kOverflowQueuePrefix = "queue:";

inline std::string OverflowTargetText(const OverflowTarget& target) {
  return target.kind == OverflowTarget::Kind::kQueue ? std::string(kOverflowQueuePrefix) + target.queue_id
                                                     : std::string(kOverflowLeaveMessage);
}

}  // namespace routerd::config
