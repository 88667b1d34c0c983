// Effective concurrency cap of an agent in the router's indexed state: the rule
// of config/cap_rule.h (agent > nearest OU up the tree > tenant) applied to OU
// indices.
//
// Pure; the router calls it whenever a cap changes at any level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace routerd::routing {

inline constexpr std::uint32_t kNoOu = UINT32_MAX;

// kPersonal: the agent-level cap, set by the agent itself (its Personal
// Center); kAgent: set by an administrator or the configuration file.
enum class CapOrigin : std::uint8_t { kAgent, kOu, kTenant, kPersonal };

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

// Per-channel-kind access: what each level caps one channel kind at, before
// its cap for every kind (0: the level sets none for the kind).
struct KindCapLevels {
  std::uint32_t agent = 0;
  // ous[ou * ou_stride]: OU ou's cap for the kind (empty: no OU sets one).
  std::span<const std::uint8_t> ous;
  std::size_t ou_stride = 1;
  std::uint32_t tenant = 0;
};

// The OU tree is acyclic (configuration validation guarantees it).
// `agent_cap_personal`: the agent set `agent_cap` itself. With `kind`, the
// cap for sessions of that channel kind.
EffectiveCap ResolveCap(std::optional<std::uint32_t> agent_cap, std::uint32_t agent_ou,
                        std::span<const OuNode> ous, std::uint32_t tenant_cap, bool agent_cap_personal = false,
                        const KindCapLevels* kind = nullptr);

}  // namespace routerd::routing
