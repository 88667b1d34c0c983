#include "engine/routing/cap_resolver.h"

#include "engine/config/cap_rule.h"

namespace routerd::routing {

EffectiveCap ResolveCap(std::optional<std::uint32_t> agent_cap, std::uint32_t agent_ou,
                        std::span<const OuNode> ous, std::uint32_t tenant_cap, bool agent_cap_personal,
                        const KindCapLevels* kind) {
  auto for_kind = [](std::uint32_t cap) { return cap == 0 ? std::nullopt : std::optional<std::uint32_t>(cap); };
  auto parent_of = [&](std::uint32_t ou) -> std::optional<std::uint32_t> {
    return ous[ou].parent == kNoOu ? std::nullopt : std::optional(ous[ou].parent);
  };
  auto cap_of = [&](std::uint32_t ou) {
    const bool set = kind != nullptr && !kind->ous.empty();
    return config::CapAtLevel(set ? for_kind(kind->ous[ou * kind->ou_stride]) : std::nullopt, ous[ou].cap);
  };
  const std::optional<std::uint32_t> agent_kind_cap = kind ? for_kind(kind->agent) : std::nullopt;
  const std::uint32_t tenant = *config::CapAtLevel(kind ? for_kind(kind->tenant) : std::nullopt,
                                                   std::optional<std::uint32_t>(tenant_cap));
  const auto d = config::DecideCap<std::uint32_t, std::uint32_t>(
      config::CapAtLevel(agent_kind_cap, agent_cap), agent_cap_personal && !agent_kind_cap,
      agent_ou == kNoOu ? std::nullopt : std::optional(agent_ou), parent_of, cap_of, tenant, ous.size());
  switch (d.level) {
    case config::CapLevel::kAgent: return {d.cap, CapOrigin::kAgent, kNoOu};
    case config::CapLevel::kPersonal: return {d.cap, CapOrigin::kPersonal, kNoOu};
    case config::CapLevel::kOu: return {d.cap, CapOrigin::kOu, *d.ou};
    case config::CapLevel::kTenant: break;
  }
  return {d.cap, CapOrigin::kTenant, kNoOu};
}

}  // namespace routerd::routing
