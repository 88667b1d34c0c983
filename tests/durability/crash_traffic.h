// The traffic of the crash tests (crash_test.cc): sender threads acting as
// providers, each message with its own provider id and customer, resent until
// answered 2xx (as a provider would), and optionally an agent taking and
// closing sessions. The test's main thread starts and kills routerd and
// publishes each start's port; the threads follow.
//
// Thread safety: Traffic's fields are guarded by its `mu`.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/durability/durability_config.h"

namespace routerd::durability {

inline constexpr int kSenders = 4;
// Bounds the run (and the final per-session checks): a sender stops making
// new messages after this many and only resends.
inline constexpr int kMaxNewPerSender = 10000;

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
Message NewMessage(int sender, int n, int tenants);

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

// Sends new messages (up to kMaxNewPerSender, then none once t.no_new) and
// resends the unanswered ones, while routerd is up, until t.abort.
void RunSender(Traffic& t, int sender);

// An agent (a1) that connects to every routerd that comes up, goes ready,
// records the messages of each session it is given (channel/provider id, in
// `seen`, guarded by t.mu) and closes the session at once to make room.
void RunAgent(Traffic& t, std::set<std::string>& seen);

// Stops and joins the senders (and the agent) however the test ends.
class Senders {
 public:
  // kSenders senders, and the agent when `agent_seen` is given.
  explicit Senders(Traffic& t, std::set<std::string>* agent_seen = nullptr);
  ~Senders();
  Senders(const Senders&) = delete;
  Senders& operator=(const Senders&) = delete;

 private:
  Traffic& t_;
  std::vector<std::thread> threads_;
};

}  // namespace routerd::durability
