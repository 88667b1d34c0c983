#include "engine/routing/cap_resolver.h"

#include <cassert>

namespace routerd::routing {

EffectiveCap ResolveCap(std::optional<std::uint32_t> agent_cap, std::uint32_t agent_ou,
                        std::span<const OuNode> ous, std::uint32_t tenant_cap) {
  if (agent_cap) return {*agent_cap, CapOrigin::kAgent, kNoOu};
  std::size_t steps = 0;
  for (std::uint32_t ou = agent_ou; ou != kNoOu; ou = ous[ou].parent) {
    assert(++steps <= ous.size() && "OU cycle");
    (void)steps;
    if (ous[ou].cap) return {*ous[ou].cap, CapOrigin::kOu, ou};
  }
  return {tenant_cap, CapOrigin::kTenant, kNoOu};
}

}  // namespace routerd::routing
