// Router assignment throughput on one shard: the step logic a shard thread runs,
// without the queue. Steady state: each iteration a new customer's contact
// arrives and is assigned, and the oldest open session is closed, keeping about
// half of the total capacity busy. Agents serve two of 100 skill queues.
// The Skills shape adds skills: every agent speaks two of four languages at
// levels up to 10, and the channels of odd-numbered queues require one of them
// at level 3 or more, so each queue has four skill lanes beside its own.
// The PerChannelKind shape uses per-channel-kind access: the queues' channels
// are email, web and wechat in turn, each kind capped at 4 (as the one cap of
// the other shapes), so the open sessions are the same and only the
// bookkeeping per kind and the lanes per kind differ.
//
//   build/bench/router_bench --benchmark_filter=Assign
#include <benchmark/benchmark.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/routing/policy_registry.h"
#include "engine/routing/tenant_router.h"

namespace routerd {
namespace {

constexpr int kQueues = 100;
constexpr int kCap = 4;

constexpr const char* kLanguages[] = {"de", "en", "es", "fr"};

config::SkillLevels Sorted(config::SkillLevels skills) {
  std::sort(skills.begin(), skills.end(), [](const auto& a, const auto& b) { return a.skill < b.skill; });
  return skills;
}

constexpr const char* kKinds[] = {"email", "web", "wechat"};

config::TenantConfig MakeTenant(int agents, const std::string& strategy, bool skills, bool per_kind) {
  config::TenantConfig t;
  t.id = "bench";
  t.max_concurrent_sessions = kCap;
  if (per_kind) t.multimedia_access_mode = config::AccessMode::kPerChannelKind;
  t.session_idle_timeout_seconds = 3600;
  t.ous.push_back({"ou", "", std::nullopt, 0});
  for (int q = 0; q < kQueues; ++q) {
    config::SkillQueueConfig sq;
    sq.id = "q" + std::to_string(q);
    sq.strategy = strategy;
    sq.max_wait_seconds = 3600;
    sq.max_waiting = 1'000'000;
    t.skill_queues.push_back(sq);
    config::ChannelConfig ch;
    ch.id = "ch" + std::to_string(q);
    ch.kind = per_kind ? kKinds[q % 3] : "web";
    ch.skill_queue = sq.id;
    if (skills && q % 2 == 1) ch.required_skills = {{kLanguages[q % 4], 3, 0}};
    t.channels.push_back(ch);
  }
  for (int a = 0; a < agents; ++a) {
    config::AgentConfig ac;
    ac.employee_id = std::to_string(100000 + a);
    ac.ou = "ou";
    ac.type = config::AgentType::kMultimedia;
    ac.skill_queues = {"q" + std::to_string(a % kQueues), "q" + std::to_string((a * 7 + 3) % kQueues)};
    if (ac.skill_queues[0] == ac.skill_queues[1]) ac.skill_queues.pop_back();
    if (skills) {
      // The first language at 3 or more: agent q of queue q always qualifies
      // for its channel's requirement, so no lane is left without agents.
      ac.skills = Sorted({{kLanguages[a % 4], 3 + (a * 7) % 8, 0}, {kLanguages[(a + 1) % 4], 1 + (a * 3) % 10, 0}});
    }
    t.agents.push_back(ac);
  }
  return t;
}

// `open_target` sessions stay open: 0 means half of the total capacity (the
// load grows with the agents), else that fixed number (only the agents grow).
void AssignAndClose(benchmark::State& state, const std::string& strategy, std::size_t fixed_open = 0,
                    bool skills = false, bool per_kind = false) {
  const int agents = static_cast<int>(state.range(0));
  const config::TenantConfig tenant = MakeTenant(agents, strategy, skills, per_kind);
  routing::PolicyRegistry policies;
  (void)routing::RegisterBuiltinPolicies(policies);
  std::vector<routing::RoutingEvent> events;
  routing::TenantRouter router(0, tenant, policies, {}, &events);
  std::int64_t now = 1'000'000'000;
  for (int a = 0; a < agents; ++a) {
    router.OnCommand({routing::AgentCommandType::kSignIn, 0, static_cast<std::uint32_t>(a)}, now);
    router.OnCommand({routing::AgentCommandType::kReady, 0, static_cast<std::uint32_t>(a)}, now);
  }
  events.clear();

  // Contacts are made by producers (I/O threads) in the daemon, so they are
  // made here before timing; the pool is larger than the open sessions.
  const std::size_t open_target = fixed_open ? fixed_open : static_cast<std::size_t>(agents) * kCap / 2;
  const std::size_t pool = open_target * 4 + 1024;
  std::vector<ContactPtr> contacts;
  contacts.reserve(pool);
  for (std::size_t i = 0; i < pool; ++i) {
    auto c = std::make_shared<Contact>();
    c->customer_id = "c" + std::to_string(i);
    c->provider_message_id = std::to_string(i);
    contacts.push_back(std::move(c));
  }
  std::deque<std::pair<std::uint64_t, std::uint32_t>> open;
  std::size_t next = 0;
  std::uint64_t assignments = 0;
  std::uint32_t channel = 0;
  std::uint64_t rng = 0x9E3779B97F4A7C15ull;
  auto collect = [&] {
    for (const auto& e : events) {
      if (e.type == routing::RoutingEventType::kAssigned) {
        open.emplace_back(e.session_id, e.agent);
        ++assignments;
      }
    }
    events.clear();
  };
  // Warm up to the steady state before timing.
  auto step = [&] {
    router.OnContact(channel, contacts[next], now);
    rng ^= rng << 13;  // xorshift64: contacts spread evenly over the queues
    rng ^= rng >> 7;
    rng ^= rng << 17;
    channel = static_cast<std::uint32_t>(rng % kQueues);
    if (++next == pool) next = 0;
    now += 1000;
    collect();
    if (open.size() > open_target) {
      auto [id, agent] = open.front();
      open.pop_front();
      routing::AgentCommand close{routing::AgentCommandType::kCloseSession, 0, agent, id};
      router.OnCommand(close, now);
      collect();
    }
  };
  for (std::size_t i = 0; i < open_target * 2; ++i) step();
  assignments = 0;
  for (auto _ : state) step();
  state.counters["assignments_per_s"] =
      benchmark::Counter(static_cast<double>(assignments), benchmark::Counter::kIsRate);
  state.counters["waiting"] = static_cast<double>(router.open_sessions()) - static_cast<double>(open.size());
}

void BM_AssignLeastBusy(benchmark::State& s) { AssignAndClose(s, "least_busy"); }
void BM_AssignLongestIdle(benchmark::State& s) { AssignAndClose(s, "longest_idle"); }
void BM_AssignRoundRobin(benchmark::State& s) { AssignAndClose(s, "round_robin"); }

// 150 open sessions whatever the number of agents: isolates the cost of the
// agent count from the cost of a larger set of open sessions.
void BM_AssignLeastBusyFixedLoad(benchmark::State& s) { AssignAndClose(s, "least_busy", 150); }

// Skills: sessions that require a language wait for an agent that has it.
void BM_AssignSkillsMostSkilled(benchmark::State& s) { AssignAndClose(s, "most_skilled", 0, true); }
void BM_AssignSkillsLeastBusy(benchmark::State& s) { AssignAndClose(s, "least_busy", 0, true); }

// Per-channel-kind access: each kind against its own cap.
void BM_AssignLeastBusyPerChannelKind(benchmark::State& s) { AssignAndClose(s, "least_busy", 0, false, true); }

BENCHMARK(BM_AssignLeastBusyFixedLoad)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignLeastBusy)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignLongestIdle)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignRoundRobin)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignSkillsMostSkilled)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignSkillsLeastBusy)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);
BENCHMARK(BM_AssignLeastBusyPerChannelKind)->Arg(100)->Arg(1000)->Arg(10000)->Arg(100000);

}  // namespace
}  // namespace routerd

BENCHMARK_MAIN();
