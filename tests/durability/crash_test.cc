// Crash test through the real executable: sustained signed webhook
// traffic with sync durability while routerd is killed with SIGKILL at random
// moments, many times, and restarted each time.
//
// Four sender threads act as providers (two web widget backends, two WhatsApp
// senders). Every message has its own provider id and its own customer, so a
// contact routed twice would show as a session with two messages. A request
// without a 2xx (503, reset connection, daemon down) is sent again later with
// the same provider id, as a provider would. After each kill the set of
// acknowledged messages is frozen, and once routerd is back each of them must
// be stored. At the end every message is acknowledged and we check,
// through the database and through the REST API, that each is stored and
// routed exactly once and that the router holds nothing that was not stored.
// A second run adds an agent taking (and closing) sessions throughout: nothing
// it was shown before a kill may be missing from the database after it.
//
// Every test runs on SQLite (the journal files in the data directory) and on
// PostgreSQL (a fresh database on the private test server, which outlives
// every kill of routerd).
//
// ROUTERD_CRASH_SEED=<n> replays a run's kill schedule (the seed is printed).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/durability/crash_traffic.h"
#include "tests/durability/database_probe.h"
#include "tests/durability/durability_backend.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

constexpr int kCycles = 18;

// Every key of `acked` must be a stored contact.
void ExpectStored(const DurabilityConfig& config, const std::set<std::string>& acked, int cycle,
                  std::string_view what = "acknowledged contacts") {
  auto probe = DatabaseProbe::Open(config);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  auto contacts = (*probe)->Contacts();
  ASSERT_TRUE(contacts.ok()) << contacts.status().ToString();
  std::set<std::string> stored;
  for (const ContactRow& c : *contacts) stored.insert(c.channel_id + "/" + c.provider_message_id);
  std::size_t missing = 0;
  std::string first_missing;
  for (const std::string& key : acked) {
    if (stored.count(key) == 0 && missing++ == 0) first_missing = key;
  }
  EXPECT_EQ(missing, 0u) << "after kill " << cycle << ": " << missing << " of " << acked.size() << " " << what
                         << " are not stored (" << config.backend << "), e.g. " << first_missing;
}

std::uint64_t SeedFromEnvironment() {
  if (const char* s = std::getenv("ROUTERD_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device()();
}

struct CrashParams {
  std::string_view backend;  // kSqlite or kPostgresql
  int partitions;
  int tenants;
};

std::string ParamName(const CrashParams& p) {
  return std::string(p.backend) + "_" + std::to_string(p.partitions) + "partitions" + std::to_string(p.tenants) +
         "tenants";
}
void PrintTo(const CrashParams& p, std::ostream* out) { *out << ParamName(p); }

// On each backend, one journal partition (writer) with one tenant, and four
// with three busy tenants (three writers committing at every kill).
class CrashTest : public ::testing::TestWithParam<CrashParams> {
 protected:
  // The configuration of the test's storage: SQLite in `dir`, or a fresh
  // PostgreSQL database (then `dir` holds only the daemon's other files).
  DurabilityConfig Config(const storage::testing::TempDir& dir) {
    DurabilityConfig config;
    config.data_dir = dir.path() + "/data";
    config.partitions = GetParam().partitions;
    config.tenants = GetParam().tenants;
    const Status backend = UseBackend(GetParam().backend, config);
    EXPECT_TRUE(backend.ok()) << backend.ToString();
    return config;
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, CrashTest,
                         ::testing::Values(CrashParams{kSqlite, 1, 1}, CrashParams{kSqlite, 4, 3},
                                           CrashParams{kPostgresql, 1, 1}, CrashParams{kPostgresql, 4, 3}),
                         [](const ::testing::TestParamInfo<CrashParams>& info) { return ParamName(info.param); });

std::string TenantOfChannel(const std::string& channel) {
  return channel.rfind("web-chat-", 0) == 0 ? "acme-" + channel.substr(9) : std::string(kTenant);
}

TEST_P(CrashTest, AcknowledgedContactsSurviveRepeatedSigkillExactlyOnce) {
  const std::uint64_t seed = SeedFromEnvironment();
  SCOPED_TRACE("ROUTERD_CRASH_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  storage::testing::TempDir dir;
  const DurabilityConfig config = Config(dir);
  ASSERT_FALSE(HasFailure());
  RouterdRunner runner(dir.path());

  Traffic traffic;
  traffic.tenants = config.tenants;
  Senders senders(traffic);
  std::set<std::string> frozen;  // acknowledged before the last kill
  std::vector<std::size_t> kills;  // acknowledged messages at each kill
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    // Every fifth start is killed while it may still be starting (opening the
    // database, restoring sessions, routing pending contacts).
    const bool during_start = cycle % 5 == 4;
    const Status started = runner.Start(config, !during_start);
    ASSERT_TRUE(started.ok()) << "start " << cycle << ": " << started.ToString();
    if (during_start) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 40)(rng)));
    } else {
      ExpectStored(config, frozen, cycle);
      traffic.Publish(runner.port());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(rng)));
      traffic.Down();
    }
    runner.Kill();
    std::lock_guard lock(traffic.mu);
    frozen = traffic.acked;
    kills.push_back(frozen.size());
  }

  // The last start: everything not acknowledged yet is sent again until it is.
  const Status started = runner.Start(config);
  ASSERT_TRUE(started.ok()) << started.ToString();
  ExpectStored(config, frozen, kCycles);
  {
    std::lock_guard lock(traffic.mu);
    traffic.no_new = true;
  }
  traffic.Publish(runner.port());
  {
    std::unique_lock lock(traffic.mu);
    const bool all_done = traffic.cv.wait_for(lock, std::chrono::seconds(60),
                                              [&] { return traffic.senders_done == kSenders; });
    ASSERT_TRUE(all_done) << traffic.acked.size() << " of " << traffic.sent.size() << " acknowledged";
    EXPECT_TRUE(traffic.unexpected.empty()) << "statuses other than 200 and 503, e.g. "
                                            << traffic.unexpected.begin()->first;
    ASSERT_EQ(traffic.acked.size(), traffic.sent.size());
  }
  const std::map<std::string, Message>& sent = traffic.sent;  // no sender writes any more
  std::cout << "[ crash    ] " << sent.size() << " messages, seed " << seed << "; acknowledged at each kill:";
  for (std::size_t n : kills) std::cout << " " << n;
  std::cout << "\n";

  // (a) The database: each message stored once, every contact routed into a
  // session of its own, and only sessions holding a contact are open.
  auto probe = DatabaseProbe::Open(config);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  const std::int64_t expected = static_cast<std::int64_t>(sent.size());
  const bool settled = WaitUntil([&] {
    auto unrouted = (*probe)->Count("SELECT COUNT(*) FROM contacts WHERE session_id IS NULL");
    auto open = (*probe)->Count("SELECT COUNT(*) FROM sessions WHERE ended_at_ms IS NULL");
    return unrouted.ok() && *unrouted == 0 && open.ok() && *open == expected;
  });
  auto contacts = (*probe)->Contacts();
  auto sessions = (*probe)->Sessions();
  ASSERT_TRUE(contacts.ok() && sessions.ok());
  EXPECT_TRUE(settled) << "the journal did not settle: " << contacts->size() << " contacts, " << sessions->size()
                       << " sessions stored for " << expected << " messages";
  ASSERT_EQ(contacts->size(), sent.size());
  std::map<std::pair<std::string, std::int64_t>, const ContactRow*> by_session;  // (tenant, session id)
  for (const ContactRow& c : *contacts) {
    auto it = sent.find(c.channel_id + "/" + c.provider_message_id);
    ASSERT_NE(it, sent.end()) << "stored but never sent: " << c.channel_id << "/" << c.provider_message_id;
    EXPECT_EQ(c.tenant_id, TenantOfChannel(c.channel_id));
    EXPECT_EQ(c.customer_id, it->second.customer);
    EXPECT_EQ(c.text, it->second.text);
    ASSERT_TRUE(c.session_id.has_value()) << it->first << " was never routed";
    EXPECT_TRUE(by_session.emplace(std::make_pair(c.tenant_id, *c.session_id), &c).second)
        << "session " << c.tenant_id << "/" << *c.session_id << " holds two stored contacts";
  }
  std::uint64_t max_id = 0;  // of acme
  for (const SessionRow& s : *sessions) {
    EXPECT_FALSE(s.ended) << "session " << s.session_id << " ended";
    EXPECT_EQ(by_session.count(std::make_pair(s.tenant_id, static_cast<std::int64_t>(s.session_id))), 1u)
        << "session " << s.tenant_id << "/" << s.session_id << " is stored but holds no contact";
    if (s.tenant_id == kTenant) max_id = std::max(max_id, s.session_id);
  }

  // (b) The REST API: the router holds one waiting session per stored
  // contact of acme, each with exactly that one message.
  std::int64_t expected_acme = 0;
  for (const auto& [key, contact] : by_session) expected_acme += key.first == kTenant;
  gateway_test::HttpClient api(runner.port());
  auto queues = api.Send("GET", "/api/v1/queues", {}, Bearer(kAdminToken));
  ASSERT_TRUE(queues.ok()) << queues.status().ToString();
  ASSERT_EQ(queues->status, 200) << queues->body;
  const gateway_test::JsonDoc q = queues->Json();
  EXPECT_EQ(q.Str("/queues/0/id"), "chat") << queues->body;
  EXPECT_EQ(q.Int("/queues/0/waiting"), expected_acme) << queues->body;
  EXPECT_EQ(q.Int("/queues/1/waiting"), 0) << queues->body;
  int checked = 0;
  for (const auto& [key, contact] : by_session) {
    if (key.first != kTenant) continue;
    const std::int64_t session_id = key.second;
    auto reply = api.Send("GET", "/api/v1/sessions/" + std::to_string(session_id), {}, Bearer(kAdminToken));
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    ASSERT_EQ(reply->status, 200) << "session " << session_id << ": " << reply->body;
    const gateway_test::JsonDoc s = reply->Json();
    EXPECT_EQ(s.Str("/state"), "waiting") << reply->body;
    EXPECT_EQ(s.Int("/messages_count"), 1) << reply->body;
    EXPECT_EQ(s.Str("/messages/0/id"), contact->provider_message_id) << reply->body;
    EXPECT_EQ(s.Str("/customer/id"), contact->customer_id) << reply->body;
    if (::testing::Test::HasFailure()) break;  // one broken session is enough to read
    ++checked;
  }
  EXPECT_EQ(checked, expected_acme);

  // New sessions continue above every stored id.
  gateway_test::HttpClient webhook(runner.port());
  const Delivery fresh = Deliver(webhook, WebEvent(kWebChannel, "evt-after", "message", "visitor-after", "after"));
  ASSERT_EQ(fresh.status, 200) << fresh.body << fresh.error;
  ASSERT_TRUE(WaitUntil([&] {
    auto n = (*probe)->Count("SELECT COUNT(*) FROM sessions WHERE customer_id = 'visitor-after'");
    return n.ok() && *n == 1;
  }));
  auto after = (*probe)->Count("SELECT session_id FROM sessions WHERE customer_id = 'visitor-after'");
  ASSERT_TRUE(after.ok());
  EXPECT_GT(static_cast<std::uint64_t>(*after), max_id);

  EXPECT_EQ(runner.Terminate(), 0) << runner.process().Output();
}

// With sync durability a contact reaches the router only after its commit,
// so nothing an agent is shown can be lost by a crash: every message an
// agent received before a kill is stored afterwards.
TEST_P(CrashTest, AgentsAreShownOnlyStoredContacts) {
  const std::uint64_t seed = SeedFromEnvironment();
  SCOPED_TRACE("ROUTERD_CRASH_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  storage::testing::TempDir dir;
  DurabilityConfig config = Config(dir);
  ASSERT_FALSE(HasFailure());
  config.tenant_cap = 60;
  RouterdRunner runner(dir.path());

  Traffic traffic;
  traffic.tenants = config.tenants;
  std::set<std::string> seen;  // guarded by traffic.mu
  Senders senders(traffic, &seen);
  std::set<std::string> frozen;  // shown to the agent before the last kill
  std::vector<std::size_t> kills;
  constexpr int kAgentCycles = 8;
  for (int cycle = 0; cycle <= kAgentCycles; ++cycle) {
    const Status started = runner.Start(config);
    ASSERT_TRUE(started.ok()) << "start " << cycle << ": " << started.ToString();
    ExpectStored(config, frozen, cycle, "messages shown to the agent");
    if (cycle == kAgentCycles) break;
    traffic.Publish(runner.port());
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(50, 400)(rng)));
    traffic.Down();
    runner.Kill();
    std::lock_guard lock(traffic.mu);
    frozen = seen;
    kills.push_back(frozen.size());
  }
  std::lock_guard lock(traffic.mu);
  EXPECT_FALSE(seen.empty()) << "the agent was given no session at all";
  for (const std::string& key : seen) EXPECT_EQ(traffic.sent.count(key), 1u) << key << " was never sent";
  std::cout << "[ crash    ] shown to the agent at each kill:";
  for (std::size_t n : kills) std::cout << " " << n;
  std::cout << "\n";
  EXPECT_EQ(runner.Terminate(), 0) << runner.process().Output();
}

}  // namespace
}  // namespace routerd::durability
