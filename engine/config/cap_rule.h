// The rule of an agent's effective concurrency cap, written once: the agent's
// own cap (set by an administrator, the file, or the agent itself), else the
// cap of the nearest OU up the tree that has one, else the tenant's
// (agent > OU > tenant). The router applies it to its indexed state
// (routing::ResolveCap) and the configuration to its ids
// (config::ResolveEffectiveCap); both call this, and CapAtLevel for the cap
// of one channel kind.
//
// Thread safety: a pure function.
#pragma once

#include <cstddef>
#include <optional>

namespace routerd::config {

enum class CapLevel { kAgent, kPersonal, kOu, kTenant };

template <typename Cap, typename OuRef>
struct CapDecision {
  Cap cap;
  CapLevel level;
  std::optional<OuRef> ou;  // the OU that set it, for kOu
};

// `ou` is the agent's OU (nullopt: none); `parent_of(ou)` its parent
// (nullopt at the top); `cap_of(ou)` its own cap (nullopt: none). At most
// `max_steps` OUs are visited, so a tree with a cycle (never a validated one)
// cannot loop forever.
template <typename Cap, typename OuRef, typename ParentOf, typename CapOf>
CapDecision<Cap, OuRef> DecideCap(std::optional<Cap> agent_cap, bool agent_cap_personal, std::optional<OuRef> ou,
                                  ParentOf parent_of, CapOf cap_of, Cap tenant_cap, std::size_t max_steps) {
  if (agent_cap) return {*agent_cap, agent_cap_personal ? CapLevel::kPersonal : CapLevel::kAgent, std::nullopt};
  for (std::size_t steps = 0; ou && steps <= max_steps; ++steps, ou = parent_of(*ou)) {
    if (std::optional<Cap> cap = cap_of(*ou)) return {*cap, CapLevel::kOu, ou};
  }
  return {tenant_cap, CapLevel::kTenant, std::nullopt};
}

// Per-channel-kind access: what one level (agent, OU or tenant) caps the
// sessions of one channel kind at: the cap it sets for that kind, else the
// cap it sets for every kind. DecideCap then applies the order of levels.
template <typename Cap>
std::optional<Cap> CapAtLevel(std::optional<Cap> for_kind, std::optional<Cap> for_every_kind) {
  return for_kind ? for_kind : for_every_kind;
}

}  // namespace routerd::config
