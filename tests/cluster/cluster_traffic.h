// What the cluster test's threads share: the instances that take requests
// now, the providers' messages (sent, acknowledged), and what the agents were
// shown, by which instance, over which connection. The senders post signed
// webhooks to random instances as providers behind a load balancer would,
// each message with its own provider id and customer, resending until 2xx.
// The agents are in cluster_agent.h.
//
// Thread safety: ClusterTraffic's fields are guarded by its `mu`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "routerd/status.h"
#include "tests/durability/crash_traffic.h"

namespace routerd::cluster_test {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using durability::Message;

inline constexpr int kClusterSenders = 4;
// Each sender makes a new message this often (about 80 a second in all: the
// machine also runs three daemons, PostgreSQL and the agents).
inline constexpr auto kSendInterval = std::chrono::milliseconds(50);
// Bounds the run: a sender makes no more than this many new messages.
inline constexpr int kMaxNewPerSender = 4000;

struct SentMessage {
  Message message;
  std::string tenant;
  TimePoint first_sent;  // before the first attempt
};

// One contact shown to an agent: one of an `assigned` frame's messages, or a
// `message` frame.
struct Shown {
  std::string contact;           // Message::key(): channel/provider id
  std::string agent;             // tenant/employee
  std::string session;           // tenant/session id
  std::uint16_t port = 0;        // the instance whose connection carried it
  std::uint64_t connection = 0;  // AgentConnectionRecord::serial
  TimePoint at;
};

// One agent WebSocket that was upgraded, from the upgrade to its end.
struct AgentConnectionRecord {
  std::string agent;
  std::uint16_t port = 0;
  std::uint64_t serial = 0;
  TimePoint opened;
  TimePoint ended;       // the epoch while the connection is open (the rest is filled in then)
  int frames = 0;        // text frames received: 0 when refused at once (4004)
  TimePoint last_frame;  // valid when frames > 0
  int close_code = 0;    // the server's Close frame; 0: none (reset, timeout, killed)
  std::string close_reason;
};

struct ClusterTraffic {
  std::mutex mu;
  std::condition_variable cv;
  // All guarded by mu.
  // The instances a load balancer would send to: running ones, a paused one
  // included (nothing outside it knows it is paused).
  std::vector<std::uint16_t> ports;
  bool no_new = false;  // senders only resend what is not acknowledged yet
  bool abort = false;   // the test is over (or failed): every thread returns
  int senders_done = 0;
  std::map<std::string, SentMessage> sent;  // by Message::key()
  std::set<std::string> acked;
  std::map<int, int> unexpected;  // HTTP status -> count, for anything but 2xx and 503
  std::vector<Shown> shown;
  std::vector<AgentConnectionRecord> connections;  // open ones included
  std::vector<std::string> violations;             // what an agent saw that must never happen
  // Per agent: the longest time it spent without an owner's connection, from
  // losing one until the next owner sent its first frame.
  std::map<std::string, std::chrono::milliseconds> longest_gap;
  std::uint64_t next_serial = 0;
  int tenants = 3;  // acme and acme-2.., set before the senders start

  // REQUIRES: mu held. 0 when no instance takes requests.
  std::uint16_t RandomPort(std::mt19937_64& rng) const;
  void Publish(std::uint16_t port);
  void Withdraw(std::uint16_t port);
};

// Sends new messages (paced, up to kMaxNewPerSender, none once no_new) and
// resends the unacknowledged ones until each is answered 2xx, until abort.
void RunClusterSender(ClusterTraffic& t, int sender, std::uint64_t seed);

// The tenant of a channel of the durability configuration.
std::string TenantOfChannel(const std::string& channel);

// Stops new messages, waits (up to `limit`) until every message sent was
// acknowledged, then until every acknowledged one was shown to an agent.
// Prints how long each took. Error naming what is missing otherwise.
Status DrainTraffic(ClusterTraffic& t, std::chrono::seconds limit);

// The time from `since` until an agent was first shown a contact of `tenant`
// that was first sent after `since`; nullopt when none within `limit`.
std::optional<std::chrono::milliseconds> WaitForFreshContact(ClusterTraffic& t, const std::string& tenant,
                                                             TimePoint since, std::chrono::milliseconds limit);

std::int64_t Ms(SteadyClock::duration d);

}  // namespace routerd::cluster_test
