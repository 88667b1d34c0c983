#include "tests/cluster/cluster_checks.h"

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "tests/durability/database_probe.h"

namespace routerd::cluster_test {
namespace {

using namespace std::chrono_literals;

// Counts failures of one kind and keeps the first few for the message.
struct Tally {
  int count = 0;
  std::string examples;

  void Add(const std::string& example) {
    if (count++ < 5) examples += "\n  " + example;
  }
};

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

void ExpectDeliveredExactlyOnce(ClusterTraffic& t, std::chrono::milliseconds reconnect_bound) {
  std::lock_guard lock(t.mu);
  std::map<std::string, std::set<std::string>> agents_of;       // contact -> agents
  std::map<std::string, std::set<std::string>> sessions_of;     // contact -> tenant/session
  std::map<std::string, std::set<std::string>> session_agents;  // tenant/session -> agents
  Tally never_sent;
  for (const Shown& s : t.shown) {
    agents_of[s.contact].insert(s.agent);
    sessions_of[s.contact].insert(s.session);
    session_agents[s.session].insert(s.agent);
    if (t.sent.count(s.contact) == 0) never_sent.Add(s.contact + " shown to " + s.agent);
  }
  Tally unshown, two_agents, two_sessions, shared_session;
  for (const std::string& key : t.acked) {
    auto agents = agents_of.find(key);
    if (agents == agents_of.end()) {
      unshown.Add(key);
      continue;
    }
    if (agents->second.size() != 1) two_agents.Add(key + " shown to " + Join(agents->second));
    if (sessions_of[key].size() != 1) two_sessions.Add(key + " shown in sessions " + Join(sessions_of[key]));
  }
  for (const auto& [session, agents] : session_agents) {
    if (agents.size() != 1) shared_session.Add("session " + session + " assigned to " + Join(agents));
  }
  EXPECT_EQ(t.acked.size(), t.sent.size());
  EXPECT_EQ(unshown.count, 0) << "acknowledged contacts never shown to an agent:" << unshown.examples;
  EXPECT_EQ(two_agents.count, 0) << "contacts shown to more than one agent:" << two_agents.examples;
  EXPECT_EQ(two_sessions.count, 0) << "contacts shown in more than one session:" << two_sessions.examples;
  EXPECT_EQ(shared_session.count, 0) << "sessions shown to more than one agent:" << shared_session.examples;
  EXPECT_EQ(never_sent.count, 0) << "contacts shown that no provider sent:" << never_sent.examples;
  std::string violations;
  for (std::size_t i = 0; i < t.violations.size() && i < 10; ++i) violations += "\n  " + t.violations[i];
  EXPECT_TRUE(t.violations.empty()) << t.violations.size() << " violations seen by the agents:" << violations;
  std::string unexpected;
  for (const auto& [status, count] : t.unexpected)
    unexpected += " " + std::to_string(status) + " x" + std::to_string(count);
  EXPECT_TRUE(t.unexpected.empty()) << "statuses other than 2xx and 503 to providers:" << unexpected;

  int redirects = 0;
  for (const AgentConnectionRecord& c : t.connections) redirects += c.close_code == 4004 ? 1 : 0;
  std::cout << "[ cluster  ] " << t.shown.size() << " contacts shown (" << agents_of.size() << " distinct) over "
            << t.connections.size() << " agent connections, " << redirects << " ended with 4004; longest time "
            << "without an owner:";
  for (const auto& [agent, gap] : t.longest_gap) {
    std::cout << " " << agent << " " << gap.count() << " ms";
    EXPECT_LE(gap.count(), reconnect_bound.count()) << agent << " was without an owner's connection for that long";
  }
  std::cout << std::endl;
}

void ExpectPausedInstanceSilent(ClusterTraffic& t, const PauseWindow& pause) {
  std::lock_guard lock(t.mu);
  std::set<std::uint64_t> held;  // connections open to it when it was stopped
  Tally late_frames, not_moved;
  std::string closes;
  for (const AgentConnectionRecord& c : t.connections) {
    const bool open_at_stop = c.opened < pause.stopped && (c.ended == TimePoint{} || c.ended >= pause.stopped);
    if (c.port != pause.port || !open_at_stop) continue;
    held.insert(c.serial);
    const std::string what = c.agent + " (connection " + std::to_string(c.serial) + ")";
    if (c.ended == TimePoint{}) {
      not_moved.Add(what + " is still open");
      continue;
    }
    if (c.frames > 0 && c.last_frame >= pause.continued + 1s) {
      late_frames.Add(what + ": a frame " + std::to_string(Ms(c.last_frame - pause.continued)) + " ms after SIGCONT");
    }
    if (c.close_code != 4004) {
      not_moved.Add(what + " ended with code " + std::to_string(c.close_code) + " \"" + c.close_reason + "\"");
    }
    closes += " " + c.agent + " " + std::to_string(Ms(c.ended - pause.continued)) + " ms";
  }
  Tally stale;
  for (const Shown& s : t.shown) {
    if (held.count(s.connection) == 0 || s.at < pause.continued) continue;
    auto sent = t.sent.find(s.contact);
    if (sent != t.sent.end() && sent->second.first_sent > pause.stopped) {
      stale.Add(s.contact + " (first sent " + std::to_string(Ms(sent->second.first_sent - pause.stopped)) +
                " ms after SIGSTOP) shown to " + s.agent + " " + std::to_string(Ms(s.at - pause.continued)) +
                " ms after SIGCONT");
    }
  }
  std::cout << "[ cluster  ] the paused instance held " << held.size()
            << " agent connection(s); closed after SIGCONT:" << closes << std::endl;
  EXPECT_EQ(late_frames.count, 0) << "frames from the paused instance after it lost its leases:"
                                  << late_frames.examples;
  EXPECT_EQ(not_moved.count, 0) << "connections of the paused instance not closed with 4004:" << not_moved.examples;
  EXPECT_EQ(stale.count, 0) << "contacts the paused instance showed after it lost its leases:" << stale.examples;
}

void ExpectStoredOnce(const durability::DurabilityConfig& config, ClusterTraffic& t) {
  auto probe = durability::DatabaseProbe::Open(config);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  auto contacts = (*probe)->Contacts();
  ASSERT_TRUE(contacts.ok()) << contacts.status().ToString();
  std::lock_guard lock(t.mu);
  std::map<std::string, std::set<std::string>> sessions_of;  // contact -> tenant/session shown
  for (const Shown& s : t.shown) sessions_of[s.contact].insert(s.session);
  std::map<std::string, int> stored;
  Tally never_sent, unbound, elsewhere;
  for (const durability::ContactRow& c : *contacts) {
    const std::string key = c.channel_id + "/" + c.provider_message_id;
    ++stored[key];
    if (t.sent.count(key) == 0) never_sent.Add(key);
    if (!c.session_id) {
      unbound.Add(key);
      continue;
    }
    const std::string session = c.tenant_id + "/" + std::to_string(*c.session_id);
    auto shown = sessions_of.find(key);
    if (shown != sessions_of.end() && shown->second.count(session) == 0) {
      elsewhere.Add(key + " stored in " + session + ", shown in " + Join(shown->second));
    }
  }
  Tally missing, twice;
  for (const std::string& key : t.acked) {
    auto it = stored.find(key);
    if (it == stored.end()) {
      missing.Add(key);
    } else if (it->second != 1) {
      twice.Add(key + " stored " + std::to_string(it->second) + " times");
    }
  }
  std::cout << "[ cluster  ] " << contacts->size() << " contacts stored" << std::endl;
  EXPECT_EQ(missing.count, 0) << "acknowledged contacts not stored:" << missing.examples;
  EXPECT_EQ(twice.count, 0) << "contacts stored more than once:" << twice.examples;
  EXPECT_EQ(never_sent.count, 0) << "stored contacts that no provider sent:" << never_sent.examples;
  EXPECT_EQ(unbound.count, 0) << "stored contacts routed into no session:" << unbound.examples;
  EXPECT_EQ(elsewhere.count, 0) << "contacts stored in another session than the one shown:" << elsewhere.examples;
}

}  // namespace routerd::cluster_test
