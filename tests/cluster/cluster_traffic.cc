#include "tests/cluster/cluster_traffic.h"

#include <algorithm>
#include <deque>
#include <iostream>
#include <memory>

#include "tests/gateway/test_clients.h"

namespace routerd::cluster_test {
namespace {

using namespace std::chrono_literals;

// acme gets half the messages (web and WhatsApp alike), the extra tenants
// share the rest.
Message NewClusterMessage(int sender, int n, int tenants, std::mt19937_64& rng) {
  const std::string suffix = std::to_string(sender) + "-" + std::to_string(n);
  Message m;
  m.text = "message " + suffix;
  m.id = "evt-" + suffix;
  m.customer = "visitor-" + suffix;
  if (tenants > 1 && rng() % 2 == 0) {
    m.channel = durability::ExtraWebChannel(2 + static_cast<int>(rng() % static_cast<std::uint64_t>(tenants - 1)));
  } else if (rng() % 2 == 0) {
    m.channel = std::string(durability::kWebChannel);
  } else {
    m.channel = std::string(durability::kWhatsAppChannel);
    m.id = "wamid.HBgL" + suffix;
    m.customer = "346" + std::to_string(sender) + std::to_string(100000 + n);
  }
  return m;
}

}  // namespace

std::int64_t Ms(SteadyClock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

std::string TenantOfChannel(const std::string& channel) {
  return channel.rfind("web-chat-", 0) == 0 ? "acme-" + channel.substr(9) : std::string(durability::kTenant);
}

std::uint16_t ClusterTraffic::RandomPort(std::mt19937_64& rng) const {
  if (ports.empty()) return 0;
  return ports[rng() % ports.size()];
}

void ClusterTraffic::Publish(std::uint16_t port) {
  {
    std::lock_guard lock(mu);
    if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
  }
  cv.notify_all();
}

void ClusterTraffic::Withdraw(std::uint16_t port) {
  std::lock_guard lock(mu);
  ports.erase(std::remove(ports.begin(), ports.end(), port), ports.end());
}

void RunClusterSender(ClusterTraffic& t, int sender, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::map<std::uint16_t, std::unique_ptr<gateway_test::HttpClient>> clients;  // keep-alive, per instance
  struct Pending {
    Message m;
    TimePoint retry_at;
  };
  std::deque<Pending> unacked;  // retry_at ascending
  int next = 0;
  TimePoint next_new = SteadyClock::now();
  // Each pass sends one request or waits at most 100 ms; the count only
  // guards against a loop that neither sends nor waits.
  for (long pass = 0; pass < 5'000'000; ++pass) {
    Message m;
    std::uint16_t port = 0;
    {
      std::unique_lock lock(t.mu);
      if (t.abort) return;
      const bool may_new = !t.no_new && next < kMaxNewPerSender;
      if (unacked.empty() && !may_new) {
        if (t.no_new) {
          ++t.senders_done;
          t.cv.notify_all();
          return;
        }
        t.cv.wait_for(lock, 100ms);
        continue;
      }
      const TimePoint now = SteadyClock::now();
      if (!unacked.empty() && unacked.front().retry_at <= now) {
        m = std::move(unacked.front().m);
        unacked.pop_front();
      } else if (may_new && next_new <= now) {
        m = NewClusterMessage(sender, next++, t.tenants, rng);
        next_new = now + kSendInterval;
        t.sent.emplace(m.key(), SentMessage{m, TenantOfChannel(m.channel), now});
      } else {
        TimePoint wake = now + 100ms;
        if (may_new) wake = std::min(wake, next_new);
        if (!unacked.empty()) wake = std::min(wake, unacked.front().retry_at);
        t.cv.wait_until(lock, wake);
        continue;
      }
      port = t.RandomPort(rng);
    }
    if (port == 0) {  // nothing takes requests at this moment
      unacked.push_front({std::move(m), SteadyClock::now() + 50ms});
      continue;
    }
    std::unique_ptr<gateway_test::HttpClient>& client = clients[port];
    if (!client) client = std::make_unique<gateway_test::HttpClient>(port, std::chrono::seconds(10));
    const durability::Delivery d = durability::Deliver(*client, m.Request());
    if (d.status >= 200 && d.status < 300) {
      std::lock_guard lock(t.mu);
      t.acked.insert(m.key());
      continue;
    }
    if (d.status == 0) clients.erase(port);  // most likely killed: a restart listens elsewhere
    if (d.status != 0 && d.status != 503) {
      std::lock_guard lock(t.mu);
      ++t.unexpected[d.status];
    }
    // As a provider would: later, and likely to another instance.
    unacked.push_back({std::move(m), SteadyClock::now() + (d.status == 0 ? 100ms : 50ms)});
  }
}

Status DrainTraffic(ClusterTraffic& t, std::chrono::seconds limit) {
  const TimePoint start = SteadyClock::now();
  const TimePoint deadline = start + limit;
  std::unique_lock lock(t.mu);
  t.no_new = true;
  t.cv.notify_all();
  if (!t.cv.wait_until(lock, deadline, [&] { return t.senders_done == kClusterSenders || t.abort; }) || t.abort) {
    return Status::Unavailable(std::to_string(t.acked.size()) + " of " + std::to_string(t.sent.size()) +
                               " messages acknowledged within " + std::to_string(limit.count()) + " s");
  }
  const TimePoint acked_at = SteadyClock::now();
  std::set<std::string> seen;
  std::size_t scanned = 0;
  std::size_t missing = 0;
  std::string example;
  for (;;) {
    for (; scanned < t.shown.size(); ++scanned) seen.insert(t.shown[scanned].contact);
    missing = 0;
    for (const std::string& key : t.acked) {
      if (seen.count(key) == 0 && missing++ == 0) example = key;
    }
    if (missing == 0) break;
    if (SteadyClock::now() >= deadline) {
      return Status::Unavailable(std::to_string(missing) + " of " + std::to_string(t.acked.size()) +
                                 " acknowledged contacts never shown to an agent, e.g. " + example);
    }
    t.cv.wait_for(lock, 50ms);
  }
  std::cout << "[ cluster  ] " << t.sent.size() << " messages: all acknowledged " << Ms(acked_at - start)
            << " ms after the last new one, all shown to agents " << Ms(SteadyClock::now() - start) << " ms after"
            << std::endl;
  return Status::Ok();
}

std::optional<std::chrono::milliseconds> WaitForFreshContact(ClusterTraffic& t, const std::string& tenant,
                                                             TimePoint since, std::chrono::milliseconds limit) {
  const TimePoint deadline = SteadyClock::now() + limit;
  const std::string prefix = tenant + "/";
  std::unique_lock lock(t.mu);
  std::optional<TimePoint> first;
  for (;;) {
    for (const Shown& s : t.shown) {
      if (s.agent.rfind(prefix, 0) != 0 || s.at < since) continue;
      auto it = t.sent.find(s.contact);
      if (it == t.sent.end() || it->second.first_sent <= since) continue;
      if (!first || s.at < *first) first = s.at;
    }
    if (first) return std::chrono::duration_cast<std::chrono::milliseconds>(*first - since);
    if (SteadyClock::now() >= deadline || t.abort) return std::nullopt;
    t.cv.wait_for(lock, 10ms);
  }
}

}  // namespace routerd::cluster_test
