// The random steps of the router model test (router_model_test.cc): what a
// step is, the random tenant the steps run against, and the step generator's
// helpers. Shared by the checker (model_checker.h) and the generator
// (step_generator.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/routing/routing_events.h"

namespace routerd::testing {

using routing::AgentCommandType;
using routing::RoutingEventType;
inline constexpr std::int64_t kSec = 1'000'000'000;

struct Step {
  enum class Kind { kContact, kCommand, kAdvance, kChangeAgent, kAddAgent, kRetireAgent, kChangeOu, kAddQueue } kind =
      Kind::kContact;
  std::uint32_t channel = 0;
  std::string customer;
  AgentCommandType command = AgentCommandType::kSignIn;
  std::uint32_t target = 0;
  std::optional<std::uint32_t> cap;
  std::uint32_t to_queue = UINT32_MAX;
  std::uint32_t to_agent = UINT32_MAX;
  std::uint8_t reason = 0;                 // kNotReady
  std::optional<std::size_t> wrap_index;   // kEndWrapUp: which of the agent's, or all
  std::optional<std::uint8_t> priority;     // kSetPriority; nullopt clears
  std::optional<int> preferred;             // kContact: the agent it names; -1 a name nobody has
  std::int64_t advance_ns = 0;
  // kChangeAgent (of `target`), kAddAgent (of `employee`): its OU, queues,
  // skills and type. kChangeOu: OU `target` (the next one: added) under OU
  // `ou` (routing::kNoOu: at the top), with configured cap `cap`.
  std::string employee;
  std::uint32_t ou = 0;
  std::vector<std::uint32_t> queues;
  std::vector<config::SkillLevel> skills;
  config::AgentType type = config::AgentType::kMultimedia;
  // kAddQueue: queue `target` (the next one), with `strategy`, `max_wait`
  // seconds, `skills` required, of voice media with type kVoice, overflowing
  // into queue `to_queue` (UINT32_MAX: leave messages).
  std::string strategy;
  int max_wait = 30;

  // One line for a failure report.
  std::string ToString() const;
};

// A tenant whose shape varies with the seed: 3-level OU tree, three multimedia
// queues (an overflow chain and a standalone one), one voice queue, agents of
// all types serving one or two queues, tight limits so overflow happens;
// skills at a few levels, required by some queues and channels. With
// `per_kind`, per-channel-kind access: channels of two or three kinds, and caps
// per kind at some levels (the draws for it come last, so a unified tenant of
// a seed is the same as before the mode existed).
config::TenantConfig RandomTenant(std::mt19937_64& rng, bool per_kind = false);

std::map<std::string, int> SkillMap(const std::vector<config::SkillLevel>& skills);

// What the random events made the router do, summed over runs; printed so a
// reader can see the test reaches every outcome.
struct Coverage {
  std::map<std::string, std::uint64_t> counts;
  void Add(const std::string& what) { ++counts[what]; }
};
extern Coverage g_coverage;

// The queue a kAddQueue step adds, `queues` being the tenant's so far
// (REQUIRES: its overflow target, if any, is one of them).
config::SkillQueueConfig QueueOfStep(const Step& step, const std::vector<config::SkillQueueConfig>& queues);

}  // namespace routerd::testing
