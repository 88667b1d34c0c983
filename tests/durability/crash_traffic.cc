#include "tests/durability/crash_traffic.h"

#include <deque>
#include <memory>

#include "tests/gateway/test_clients.h"

namespace routerd::durability {

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

Senders::Senders(Traffic& t, std::set<std::string>* agent_seen) : t_(t) {
  for (int i = 0; i < kSenders; ++i) threads_.emplace_back(RunSender, std::ref(t), i);
  if (agent_seen != nullptr) threads_.emplace_back(RunAgent, std::ref(t), std::ref(*agent_seen));
}

Senders::~Senders() {
  {
    std::lock_guard lock(t_.mu);
    t_.abort = true;
  }
  t_.cv.notify_all();
  for (std::thread& th : threads_) th.join();
}

}  // namespace routerd::durability
