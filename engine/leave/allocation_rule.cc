#include "engine/leave/allocation_rule.h"

#include <string>

namespace routerd::leave {

config::QueueMedia LeaveMessageMedia(std::string_view channel_kind) {
  return channel_kind == "voice" ? config::QueueMedia::kVoice : config::QueueMedia::kMultimedia;
}

Status CheckAllocationTarget(std::string_view channel_kind, const config::AgentConfig& agent) {
  const config::QueueMedia media = LeaveMessageMedia(channel_kind);
  if (config::AgentServesMedia(agent.type, media)) return Status::Ok();
  const bool voice = media == config::QueueMedia::kVoice;
  return Status::FailedPrecondition(
      "employee_id: agent " + agent.employee_id + " is a " + (voice ? "multimedia" : "voice") +
      " agent and cannot take a " + std::string(channel_kind) + " message (" +
      (voice ? "voice messages go to voice or versatile agents" :
               "only voice messages go to voice agents; choose a multimedia or versatile agent") +
      ")");
}

}  // namespace routerd::leave
