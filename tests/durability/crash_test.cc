// Crash test through the real executable (issue 5): sustained signed webhook
// traffic with sync durability while routerd is killed with SIGKILL at random
// moments, many times, and restarted each time.
//
// Four sender threads act as providers (two web widget backends, two WhatsApp
// senders). Every message has its own provider id and its own customer, so a
// contact routed twice would show as a session with two messages. A request
// without a 2xx (503, reset connection, daemon down) is sent again later with
// the same provider id, as a provider would. After each kill the set of
// acknowledged messages is frozen, and once routerd is back each of them must
// be in routerd.db. At the end every message is acknowledged and we check,
// through the database and through the REST API, that each is stored and
// routed exactly once and that the router holds nothing that was not stored.
// A second run adds an agent taking (and closing) sessions throughout: nothing
// it was shown before a kill may be missing from the database after it.
//
// ROUTERD_CRASH_SEED=<n> replays a run's kill schedule (the seed is printed).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "tests/durability/database_probe.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::durability {
namespace {

constexpr int kCycles = 18;
constexpr int kSenders = 4;
// Bounds the run (and the final per-session checks): a sender stops making
// new messages after this many and only resends.
constexpr int kMaxNewPerSender = 10000;

struct Message {
  std::string channel;  // web-chat, wa-main, or an extra tenant's web-chat-<n>
  std::string id;       // provider message id
  std::string customer;
  std::string text;

  std::string key() const { return channel + "/" + id; }
  integration::ProviderRequest Request() const {
    return channel == kWhatsAppChannel ? WhatsAppText(id, customer, text)
                                       : WebEvent(channel, id, "message", customer, text);
  }
};

// Senders 0 and 2 post web events, 1 and 3 WhatsApp messages, all to acme;
// with more tenants, senders 2 and 3 post to tenants acme-2 and acme-3.
Message NewMessage(int sender, int n, int tenants) {
  Message m;
  const std::string suffix = std::to_string(sender) + "-" + std::to_string(n);
  if (sender >= 2 && sender <= tenants) {
    m.channel = ExtraWebChannel(sender);
    m.id = "evt-" + suffix;
    m.customer = "visitor-" + suffix;
  } else if (sender % 2 == 0) {
    m.channel = std::string(kWebChannel);
    m.id = "evt-" + suffix;
    m.customer = "visitor-" + suffix;
  } else {
    m.channel = std::string(kWhatsAppChannel);
    m.id = "wamid.HBgL" + suffix;
    m.customer = "346" + std::to_string(sender) + std::to_string(100000 + n);
  }
  m.text = "message " + suffix;
  return m;
}

// What the main thread and the senders share.
struct Traffic {
  std::mutex mu;
  std::condition_variable cv;
  // guarded by mu
  bool up = false;            // routerd answers on `port`
  std::uint16_t port = 0;
  std::uint64_t generation = 0;  // bumps on every start
  bool no_new = false;        // senders only resend what is not acknowledged yet
  bool abort = false;         // the test is over (or failed): senders return
  std::map<std::string, Message> sent;  // every message sent at least once
  std::set<std::string> acked;          // keys answered 2xx
  std::map<int, int> unexpected;        // HTTP status -> count, for anything but 200 and 503
  int senders_done = 0;
  int tenants = 1;  // set before the senders start

  void Publish(std::uint16_t p) {
    {
      std::lock_guard lock(mu);
      up = true;
      port = p;
      ++generation;
    }
    cv.notify_all();
  }
  void Down() {
    std::lock_guard lock(mu);
    up = false;
  }
};

void RunSender(Traffic& t, int sender) {
  std::deque<Message> unacked;
  int next = 0;
  std::uint64_t seen = 0;
  std::unique_ptr<gateway_test::HttpClient> client;
  for (;;) {
    {
      std::unique_lock lock(t.mu);
      t.cv.wait(lock, [&] { return t.up || t.abort; });
      if (t.abort) return;
      if (t.generation != seen) {
        seen = t.generation;
        client = std::make_unique<gateway_test::HttpClient>(t.port, std::chrono::seconds(10));
      }
      if (unacked.empty() && (t.no_new || next >= kMaxNewPerSender)) {
        if (t.no_new) {
          ++t.senders_done;
          t.cv.notify_all();
          return;
        }
        // Out of new messages: wait for the end of the crash cycles.
        t.cv.wait(lock, [&] { return t.no_new || t.abort; });
        continue;
      }
    }
    Message m;
    if (!unacked.empty()) {
      m = std::move(unacked.front());
      unacked.pop_front();
    } else {
      m = NewMessage(sender, next++, t.tenants);
      std::lock_guard lock(t.mu);
      t.sent.emplace(m.key(), m);
    }
    const Delivery d = Deliver(*client, m.Request());
    if (d.status == 200) {
      std::lock_guard lock(t.mu);
      t.acked.insert(m.key());
      continue;
    }
    unacked.push_back(std::move(m));
    std::unique_lock lock(t.mu);
    if (d.status != 0 && d.status != 503) ++t.unexpected[d.status];
    if (d.status == 0) {
      // No answer: routerd is most likely dead. Resend once it is back (or
      // after a while anyway, if it was something else).
      t.cv.wait_for(lock, std::chrono::milliseconds(200), [&] { return t.generation != seen || t.abort; });
    }
  }
}

// An agent (a1) that connects to every routerd that comes up, goes ready,
// records the messages of each session it is given (channel/provider id, in
// `seen`, guarded by t.mu) and closes the session at once to make room.
void RunAgent(Traffic& t, std::set<std::string>& seen) {
  std::uint64_t connected_to = 0;  // generation
  for (;;) {
    std::uint16_t port = 0;
    {
      std::unique_lock lock(t.mu);
      t.cv.wait(lock, [&] { return (t.up && t.generation != connected_to) || t.abort; });
      if (t.abort) return;
      connected_to = t.generation;
      port = t.port;
    }
    gateway_test::WsClient ws(port);
    StatusOr<int> upgraded = ws.Connect("/api/v1/agents/a1/ws", kA1Token, std::chrono::seconds(5));
    bool open = upgraded.ok() && *upgraded == 101 &&
                ws.Send(R"({"type":"sign_in"})", std::chrono::seconds(5)).ok() &&
                ws.Send(R"({"type":"ready"})", std::chrono::seconds(5)).ok();
    while (open) {
      StatusOr<std::string> frame = ws.Read(std::chrono::seconds(30));
      if (!frame.ok()) break;  // routerd died (or was silent for long): next start
      const gateway_test::JsonDoc doc = gateway_test::JsonDoc::Parse(std::move(*frame));
      if (doc.Str("/type") != "assigned") continue;
      const std::string channel = doc.Str("/channel/id").value_or("?");
      {
        std::lock_guard lock(t.mu);
        for (std::size_t i = 0; i < doc.Size("/messages").value_or(0); ++i) {
          seen.insert(channel + "/" + doc.Str("/messages/" + std::to_string(i) + "/id").value_or("?"));
        }
      }
      const std::string close =
          R"({"type":"close","session_id":")" + doc.Str("/session_id").value_or("0") + "\"}";
      open = ws.Send(close, std::chrono::seconds(5)).ok();
    }
    // A connection that failed while routerd is still up is retried.
    std::lock_guard lock(t.mu);
    if (t.up && t.generation == connected_to) connected_to = 0;
  }
}

// Stops and joins the senders (and the agent) however the test ends.
class Senders {
 public:
  explicit Senders(Traffic& t, std::set<std::string>* agent_seen = nullptr) : t_(t) {
    for (int i = 0; i < kSenders; ++i) threads_.emplace_back(RunSender, std::ref(t), i);
    if (agent_seen != nullptr) threads_.emplace_back(RunAgent, std::ref(t), std::ref(*agent_seen));
  }
  ~Senders() {
    {
      std::lock_guard lock(t_.mu);
      t_.abort = true;
    }
    t_.cv.notify_all();
    for (std::thread& th : threads_) th.join();
  }

 private:
  Traffic& t_;
  std::vector<std::thread> threads_;
};

// Every key of `acked` must be a stored contact.
void ExpectStored(const std::string& db_path, const std::set<std::string>& acked, int cycle,
                  std::string_view what = "acknowledged contacts") {
  auto probe = DatabaseProbe::Open(db_path);
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
                         << " are not in routerd.db, e.g. " << first_missing;
}

std::uint64_t SeedFromEnvironment() {
  if (const char* s = std::getenv("ROUTERD_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device()();
}

struct CrashParams {
  int partitions;
  int tenants;
};

// One journal partition with one tenant, and four partitions with three busy
// tenants (three writer threads committing at every kill).
class CrashTest : public ::testing::TestWithParam<CrashParams> {};

INSTANTIATE_TEST_SUITE_P(Partitions, CrashTest, ::testing::Values(CrashParams{1, 1}, CrashParams{4, 3}),
                         [](const ::testing::TestParamInfo<CrashParams>& info) {
                           return std::to_string(info.param.partitions) + "partitions" +
                                  std::to_string(info.param.tenants) + "tenants";
                         });

std::string TenantOfChannel(const std::string& channel) {
  return channel.rfind("web-chat-", 0) == 0 ? "acme-" + channel.substr(9) : std::string(kTenant);
}

TEST_P(CrashTest, AcknowledgedContactsSurviveRepeatedSigkillExactlyOnce) {
  const std::uint64_t seed = SeedFromEnvironment();
  SCOPED_TRACE("ROUTERD_CRASH_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  storage::testing::TempDir dir;
  DurabilityConfig config;
  config.data_dir = dir.path() + "/data";
  config.partitions = GetParam().partitions;
  config.tenants = GetParam().tenants;
  const std::string db_path = config.data_dir;  // every journal file in it
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
      ExpectStored(db_path, frozen, cycle);
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
  ExpectStored(db_path, frozen, kCycles);
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
  auto probe = DatabaseProbe::Open(db_path);
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
// agent received before a kill is in routerd.db afterwards.
TEST_P(CrashTest, AgentsAreShownOnlyStoredContacts) {
  const std::uint64_t seed = SeedFromEnvironment();
  SCOPED_TRACE("ROUTERD_CRASH_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  storage::testing::TempDir dir;
  DurabilityConfig config;
  config.data_dir = dir.path() + "/data";
  config.tenant_cap = 60;
  config.partitions = GetParam().partitions;
  config.tenants = GetParam().tenants;
  const std::string db_path = config.data_dir;  // every journal file in it
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
    ExpectStored(db_path, frozen, cycle, "messages shown to the agent");
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
