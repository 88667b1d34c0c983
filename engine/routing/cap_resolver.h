// Effective concurrency cap of an agent: its own setting, else the nearest OU up
// the tree that sets one, else the tenant's (agent > OU > tenant).
//
// Pure; the router calls it whenever a cap changes at any level.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace routerd::routing {

inline constexpr std::uint32_t kNoOu = UINT32_MAX;

enum class CapOrigin : std::uint8_t { kAgent, kOu, kTenant };

struct OuNode {
  std::uint32_t parent = kNoOu;
  std::optional<std::uint32_t> cap;
};

struct EffectiveCap {
  std::uint32_t cap = 1;
  CapOrigin origin = CapOrigin::kTenant;
  std::uint32_t ou = kNoOu;  // the OU that set it, when origin == kOu

  friend bool operator==(const EffectiveCap&, const EffectiveCap&) = default;
};

// REQUIRES: the OU tree is acyclic (configuration validation guarantees it).
EffectiveCap ResolveCap(std::optional<std::uint32_t> agent_cap, std::uint32_t agent_ou,
                        std::span<const OuNode> ous, std::uint32_t tenant_cap);

}  // namespace routerd::routing
