#include "engine/storage/administration.h"

namespace routerd::storage {

std::string_view CapScopeName(CapScope scope) {
  switch (scope) {
    case CapScope::kAgent: return "agent";
    case CapScope::kOu: return "ou";
    case CapScope::kTenant: return "tenant";
  }
  return "agent";
}

std::optional<CapScope> ParseCapScope(std::string_view name) {
  if (name == "agent") return CapScope::kAgent;
  if (name == "ou") return CapScope::kOu;
  if (name == "tenant") return CapScope::kTenant;
  return std::nullopt;
}

std::string_view DefinitionKindName(DefinitionKind kind) {
  switch (kind) {
    case DefinitionKind::kAgent: return "agent";
    case DefinitionKind::kOu: return "ou";
    case DefinitionKind::kSkillQueue: return "skill_queue";
    case DefinitionKind::kChannel: return "channel";
  }
  return "agent";
}

std::optional<DefinitionKind> DefinitionKindFromName(std::string_view name) {
  if (name == "agent") return DefinitionKind::kAgent;
  if (name == "ou") return DefinitionKind::kOu;
  if (name == "skill_queue") return DefinitionKind::kSkillQueue;
  if (name == "channel") return DefinitionKind::kChannel;
  return std::nullopt;
}

}  // namespace routerd::storage
