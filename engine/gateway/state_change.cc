#include "engine/gateway/state_change.h"

namespace routerd::gateway {

Status ParseStateChange(const config::TenantConfig& tenant, StateVocabulary vocabulary, std::string_view state,
                        std::optional<std::string_view> reason, routing::AgentCommand& command) {
  const bool rest = vocabulary == StateVocabulary::kRest;
  if (state == (rest ? "signed_in" : "sign_in")) {
    command.type = routing::AgentCommandType::kSignIn;
  } else if (state == "ready") {
    command.type = routing::AgentCommandType::kReady;
  } else if (state == "not_ready") {
    command.type = routing::AgentCommandType::kNotReady;
  } else if (state == (rest ? "signed_out" : "sign_out")) {
    command.type = routing::AgentCommandType::kSignOut;
  } else {
    return Status::InvalidArgument(rest ? "state must be one of \"signed_in\", \"ready\", \"not_ready\", \"signed_out\""
                                        : "unknown type");
  }
  if (!reason) return Status::Ok();
  if (command.type != routing::AgentCommandType::kNotReady) {
    return Status::InvalidArgument("reason is only for not_ready");
  }
  const std::optional<std::uint8_t> code = config::NotReadyReasonCode(tenant, *reason);
  if (!code) {
    std::string allowed;
    for (const std::string& r : tenant.not_ready_reasons) allowed += (allowed.empty() ? "\"" : ", \"") + r + "\"";
    // Echoed only when short: the reason comes from the client.
    const std::string named = reason->size() <= 64 ? "reason \"" + std::string(*reason) + "\"" : std::string("reason");
    return Status::InvalidArgument(named + " is not a not-ready reason of this tenant (allowed: " +
                                   (allowed.empty() ? std::string("none are configured") : allowed) + ")");
  }
  command.reason = *code;
  return Status::Ok();
}

}  // namespace routerd::gateway
