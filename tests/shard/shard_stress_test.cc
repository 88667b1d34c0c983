// Threaded stress: producer threads push 10^6 contacts through the real shards
// while simulated agents close sessions; afterwards every contact must be
// accounted for exactly once and no agent may ever have exceeded its cap.
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "engine/routing/policy_registry.h"
#include "engine/shard/shard_set.h"
#include "tests/routing/tenant_builder.h"

namespace routerd::testing {
namespace {

using routing::RoutingEvent;
using routing::RoutingEventType;

constexpr std::size_t kProducers = 4;
constexpr std::size_t kContactsPerProducer = 250'000;
constexpr std::size_t kTotal = kProducers * kContactsPerProducer;
constexpr int kTenants = 4;
constexpr int kCustomersPerTenant = 20'000;

config::Config StressConfig() {
  config::Config c;
  c.server.router_shards = 2;
  c.server.router_queue_capacity = 4096;  // small, so producers meet back-pressure
  for (int t = 0; t < kTenants; ++t) {
    TenantBuilder b("tenant" + std::to_string(t), 3);
    b.Ou("root", "", 4).Ou("team", "root");
    b.Queue("q0", "least_busy", 3600, 100000).Queue("q1", "round_robin", 3600, 100000);
    for (int a = 0; a < 20; ++a) {
      b.Agent("a" + std::to_string(a), a % 2 ? "team" : "root", a % 3 ? std::vector<std::string>{"q0", "q1"}
                                                                        : std::vector<std::string>{"q1"},
              a % 5 == 0 ? std::optional<int>(2) : std::nullopt);
    }
    b.Channel("c0", "q0").Channel("c1", "q1");
    c.tenants.push_back(b.Build());
  }
  return c;
}

// Plays the agents: keeps each shard's recent assignments and closes the
// oldest once more than a handful are open, so sessions stay open for a while
// and receive repeat messages. Runs on the shard threads (one state per shard).
class AgentSimulator final : public routing::RoutingEventSink {
 public:
  explicit AgentSimulator(shard::ShardSet** set) : set_(set), seen_(kTotal) {}

  void OnRoutingEvents(std::span<RoutingEvent> events) override {
    for (RoutingEvent& e : events) {
      switch (e.type) {
        case RoutingEventType::kAssigned: {
          if (e.active_sessions > e.effective_cap) cap_violations_.fetch_add(1);
          e.ForEachMessage([&](const ContactPtr& c) { Seen(*c); });
          std::lock_guard lock(mu_);  // shards run concurrently; this is test bookkeeping
          if (!owner_.emplace(Key(e), e.agent).second) double_assignments_.fetch_add(1);
          open_[std::string(e.tenant_id)].push_back({e.session_id, e.agent});
          break;
        }
        case RoutingEventType::kMessage:
          Seen(*e.contact);
          break;
        case RoutingEventType::kLeaveMessage:
          e.ForEachMessage([&](const ContactPtr& c) { Seen(*c); });
          break;
        case RoutingEventType::kSessionEnded: {
          std::lock_guard lock(mu_);
          owner_.erase(Key(e));
          break;
        }
        default:
          break;
      }
    }
    CloseSome();
  }

  // Session ids are unique within a tenant.
  static std::string Key(const RoutingEvent& e) { return std::string(e.tenant_id) + "/" + std::to_string(e.session_id); }
  void Seen(const Contact& c) { seen_[std::stoul(c.provider_message_id)].fetch_add(1); }
  std::vector<std::atomic<std::uint8_t>>& seen() { return seen_; }
  std::atomic<std::uint64_t> cap_violations_{0};
  std::atomic<std::uint64_t> double_assignments_{0};

 private:
  void CloseSome() {
    std::lock_guard lock(mu_);
    for (auto& [tenant_id, open] : open_) {
      while (open.size() > 30) {
        auto [session, agent] = open.front();
        auto ref = (*set_)->directory().FindTenant(tenant_id);
        routing::AgentCommand close;
        close.type = routing::AgentCommandType::kCloseSession;
        close.tenant = ref->tenant;
        close.target = agent;
        close.session_id = session;
        shard::ShardInput in;
        in.kind = shard::ShardInput::Kind::kCommand;
        in.command = close;
        if (!(*set_)->shard(ref->shard).TryPushCommand(std::move(in))) break;  // full: retry next time
        (*set_)->shard(ref->shard).Wake();
        open.pop_front();
      }
    }
  }

  shard::ShardSet** set_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::pair<std::uint64_t, std::uint32_t>>> open_;
  std::unordered_map<std::string, std::uint32_t> owner_;
  std::vector<std::atomic<std::uint8_t>> seen_;
};

TEST(ShardStressTest, MillionContactsFromSeveralProducersAreConservedUnderCaps) {
  const config::Config cfg = StressConfig();
  routing::PolicyRegistry policies;
  ASSERT_TRUE(routing::RegisterBuiltinPolicies(policies).ok());
  SystemClock clock;
  shard::ShardSet* set_ptr = nullptr;
  AgentSimulator sim(&set_ptr);
  shard::ShardSet set(cfg, policies, shard::ShardOptionsFromConfig(cfg.server), clock, sim);
  set_ptr = &set;
  set.Start();

  // Every agent signs in and becomes ready.
  {
    shard::ShardSet::Producer p(set);
    for (const auto& t : cfg.tenants) {
      auto ref = *set.directory().FindTenant(t.id);
      for (std::uint32_t a = 0; a < t.agents.size(); ++a) {
        for (auto type : {routing::AgentCommandType::kSignIn, routing::AgentCommandType::kReady}) {
          routing::AgentCommand c;
          c.type = type;
          c.target = a;
          while (!set.SubmitCommand(p, ref, c).ok()) std::this_thread::yield();
        }
      }
    }
  }

  std::atomic<std::uint64_t> rejected{0};
  std::vector<std::thread> producers;
  for (std::size_t p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      shard::ShardSet::Producer producer(set);
      std::mt19937_64 rng(p + 1);
      for (std::size_t i = 0; i < kContactsPerProducer; ++i) {
        const std::size_t id = p * kContactsPerProducer + i;
        const auto& tenant = cfg.tenants[rng() % kTenants];
        auto ref = *set.directory().FindTenant(tenant.id);
        const std::uint32_t channel = static_cast<std::uint32_t>(rng() % 2);
        auto c = std::make_shared<Contact>();
        c->tenant_id = tenant.id;
        c->channel_id = tenant.channels[channel].id;
        c->customer_id = "cust" + std::to_string(rng() % kCustomersPerTenant);
        c->provider_message_id = std::to_string(id);
        ContactPtr one[] = {std::move(c)};
        while (!set.SubmitContacts(producer, ref, channel, one).ok()) {
          rejected.fetch_add(1);
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& t : producers) t.join();

  // Stop drains what is queued; then count what still waits in the routers.
  set.Stop();
  std::uint64_t waiting_messages = 0;
  for (std::uint32_t s = 0; s < set.size(); ++s) {
    const routing::Router& router = set.shard(s).RouterWhileStopped();
    for (std::uint32_t t = 0; t < router.tenant_count(); ++t) {
      const auto& tr = router.tenant(t);
      for (std::uint32_t q = 0; q < tr.queue_count(); ++q) {
        for (std::uint64_t id : tr.WaitingInOrder(q)) waiting_messages += tr.Session(id)->messages;
      }
    }
  }

  std::size_t once = 0, never = 0, twice = 0;
  for (auto& n : sim.seen()) {
    const auto v = n.load();
    once += v == 1;
    never += v == 0;
    twice += v > 1;
  }
  EXPECT_EQ(twice, 0u) << "contacts delivered more than once";
  EXPECT_EQ(once + waiting_messages, kTotal) << "never seen: " << never;
  EXPECT_EQ(never, waiting_messages);
  EXPECT_EQ(sim.cap_violations_.load(), 0u);
  EXPECT_EQ(sim.double_assignments_.load(), 0u);
  std::uint64_t inputs = 0;
  for (std::uint32_t s = 0; s < set.size(); ++s) inputs += set.shard(s).counters().inputs.load();
  EXPECT_GE(inputs, kTotal);
  std::printf("  contacts %zu, delivered %zu, still waiting %llu, producer retries on a full queue %llu\n", kTotal,
              once, static_cast<unsigned long long>(waiting_messages),
              static_cast<unsigned long long>(rejected.load()));
}

}  // namespace
}  // namespace routerd::testing
