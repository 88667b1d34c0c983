// Assignment fan-out to many agents connected over loopback WebSockets.
//
//   build/bench/agent_fanout [agents=200] [contacts=200000] [io_threads=1] [in_flight=agents*10]
//
// An in-process daemon; `agents` agents connect to the agent WebSocket, sign in
// and become ready (cap 10, one least_busy queue). Contacts from new customers
// are handed straight to the router shard (no webhook HTTP, to measure the
// gateway), each carrying its hand-off time; every agent closes each session as
// soon as it is assigned, so the system stays in a steady state. At most
// `in_flight` contacts are handed off and not yet received by an agent: the
// default (every agent's whole capacity) measures saturation, a small value
// measures latency without queueing. Reported:
// `assigned` frames received per second, and the latency from the hand-off to
// the router to the frame being read by the agent's client (an upper bound of
// "router decision to frame written"), as percentiles.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <filesystem>
#include <stdlib.h>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "engine/config/config_loader.h"
#include "engine/daemon/daemon.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::int64_t NowNs() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

std::string Config(int agents, int io_threads) {
  std::string toml = "[server]\nlisten = \"127.0.0.1:0\"\nlog_level = \"warn\"\nagent_outbox_limit = 100000\n";
  toml += "io_threads = " + std::to_string(io_threads) + "\nrouter_queue_capacity = 65536\n";
  toml += "[[tenants]]\nid = \"bench\"\nmax_concurrent_sessions = 10\n";
  toml += "[[tenants.ous]]\nid = \"ou\"\n[[tenants.skill_queues]]\nid = \"q\"\nmax_waiting = 1000000\nmax_wait_seconds = 3600\n";
  toml += "[[tenants.channels]]\nid = \"web\"\nkind = \"web\"\nskill_queue = \"q\"\nsecret = \"s\"\n";
  for (int a = 0; a < agents; ++a) {
    const std::string id = std::to_string(10000 + a);
    toml += "[[tenants.agents]]\nemployee_id = \"" + id + "\"\nou = \"ou\"\ntype = \"multimedia\"\nskill_queues = [\"q\"]\n";
    toml += "[[tenants.tokens]]\nrole = \"agent\"\nemployee_id = \"" + id + "\"\ntoken_env = \"FANOUT_TOKEN_" + id + "\"\n";
    ::setenv(("FANOUT_TOKEN_" + id).c_str(), ("token-" + id).c_str(), 1);
  }
  return toml;
}

// Pulls "\"t\":<ns>" style fields out of frames without a JSON library.
std::string_view Field(std::string_view json, std::string_view key) {
  const std::string pattern = "\"" + std::string(key) + "\":";
  std::size_t p = json.find(pattern);
  if (p == std::string_view::npos) return {};
  p += pattern.size();
  if (json[p] == '"') {
    std::size_t end = json.find('"', p + 1);
    return json.substr(p + 1, end - p - 1);
  }
  std::size_t end = json.find_first_of(",}", p);
  return json.substr(p, end - p);
}

struct Stats {
  std::atomic<std::uint64_t> assigned{0};
  std::atomic<std::uint64_t> ready{0};
  std::mutex mu;
  std::vector<std::int64_t> latencies;  // ns
};

class Agent : public std::enable_shared_from_this<Agent> {
 public:
  Agent(net::io_context& io, std::string id, std::uint16_t port, Stats& stats)
      : ws_(net::make_strand(io)), id_(std::move(id)), port_(port), stats_(stats) {}

  void Start() {
    beast::get_lowest_layer(ws_).async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                                               [self = shared_from_this()](beast::error_code ec) {
                                                 if (ec) return self->Fail("connect", ec);
                                                 self->Handshake();
                                               });
  }

 private:
  void Handshake() {
    ws_.async_handshake("127.0.0.1", "/api/v1/agents/" + id_ + "/ws?token=token-" + id_,
                        [self = shared_from_this()](beast::error_code ec) {
                          if (ec) return self->Fail("handshake", ec);
                          self->Send("{\"type\":\"sign_in\"}");
                          self->Send("{\"type\":\"ready\"}");
                          self->Read();
                        });
  }
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->OnFrame(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }
  void OnFrame(const std::string& frame) {
    std::string_view type = Field(frame, "type");
    if (type == "state" && Field(frame, "state") == "ready" && !ready_) {
      ready_ = true;
      stats_.ready.fetch_add(1);
    } else if (type == "assigned") {
      const std::int64_t now = NowNs();
      std::string_view text = Field(frame, "text");
      const std::int64_t sent = std::strtoll(std::string(text).c_str(), nullptr, 10);
      local_.push_back(now - sent);
      stats_.assigned.fetch_add(1, std::memory_order_relaxed);
      Send("{\"type\":\"close\",\"session_id\":\"" + std::string(Field(frame, "session_id")) + "\"}");
      if (local_.size() >= 1024) FlushLatencies();
    }
  }
  void Send(std::string text) {
    out_.push_back(std::move(text));
    if (out_.size() == 1) Write();
  }
  void Write() {
    ws_.async_write(net::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->out_.pop_front();
      if (!self->out_.empty()) self->Write();
    });
  }
  void Fail(const char* what, beast::error_code ec) { std::fprintf(stderr, "agent %s: %s: %s\n", id_.c_str(), what, ec.message().c_str()); }

 public:
  void FlushLatencies() {
    std::lock_guard lock(stats_.mu);
    stats_.latencies.insert(stats_.latencies.end(), local_.begin(), local_.end());
    local_.clear();
  }

 private:
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::string id_;
  std::uint16_t port_;
  Stats& stats_;
  std::deque<std::string> out_;
  std::vector<std::int64_t> local_;
  bool ready_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  const int agents = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::int64_t contacts = argc > 2 ? std::atoll(argv[2]) : 200000;
  const int io_threads = argc > 3 ? std::atoi(argv[3]) : 1;
  const std::int64_t in_flight = argc > 4 ? std::atoll(argv[4]) : static_cast<std::int64_t>(agents) * 10;
  spdlog::set_level(spdlog::level::warn);

  auto adapters = std::make_unique<routerd::AdapterRegistry>();
  auto policies = std::make_unique<routerd::routing::PolicyRegistry>();
  (void)routerd::RegisterBuiltinAdapters(*adapters);
  (void)routerd::routing::RegisterBuiltinPolicies(*policies);
  auto loaded = routerd::config::LoadConfigString(Config(agents, io_threads), "fanout.toml", {adapters.get(), policies->Names()});
  if (!loaded.config) {
    for (auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  // A fresh database: nothing restored from an earlier run.
  std::string data_dir = (std::filesystem::temp_directory_path() / "routerd-fanout-XXXXXX").string();
  if (::mkdtemp(data_dir.data()) == nullptr) return 1;
  loaded.config->storage.data_dir = data_dir;
  auto created = routerd::daemon::Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    return 1;
  }
  routerd::daemon::Daemon& daemon = **created;
  if (!daemon.Start().ok()) return 1;

  Stats stats;
  net::io_context client_io;
  std::vector<std::shared_ptr<Agent>> clients;
  for (int a = 0; a < agents; ++a) {
    clients.push_back(std::make_shared<Agent>(client_io, std::to_string(10000 + a), daemon.http_port(), stats));
    clients.back()->Start();
  }
  std::thread client_thread([&] { client_io.run(); });
  while (stats.ready.load() < static_cast<std::uint64_t>(agents)) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  auto& shards = daemon.shards();
  auto ref = *shards.directory().FindTenant("bench");
  routerd::shard::ShardSet::Producer producer(shards);
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < contacts; ++i) {
    auto c = std::make_shared<routerd::Contact>();
    c->tenant_id = "bench";
    c->channel_kind = "web";
    c->channel_id = "web";
    c->customer_id = "c" + std::to_string(i);
    c->provider_message_id = std::to_string(i);
    c->text = std::to_string(NowNs());
    routerd::ContactPtr one[] = {std::move(c)};
    while (!shards.SubmitContacts(producer, ref, 0, one).ok()) std::this_thread::yield();
    // Keep the in-flight count near the agents' capacity: a fan-out test, not a queue-filling one.
    while (static_cast<std::int64_t>(stats.assigned.load(std::memory_order_relaxed)) + in_flight <= i) {
      std::this_thread::yield();
    }
  }
  while (stats.assigned.load() < static_cast<std::uint64_t>(contacts)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  client_io.stop();
  client_thread.join();
  for (auto& c : clients) c->FlushLatencies();
  auto& l = stats.latencies;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(p * l.size()))] / 1000.0; };
  std::printf("agents %d, io_threads %d, in flight %lld, assignments %lld in %.2f s: %.0f assigned frames/s\n", agents,
              io_threads, static_cast<long long>(in_flight), static_cast<long long>(contacts), seconds,
              contacts / seconds);
  std::printf("hand-off to frame read, us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", pct(0.5), pct(0.9),
              pct(0.99), pct(0.999), l.empty() ? 0.0 : l.back() / 1000.0);
  std::fflush(stdout);
  daemon.Stop();
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);
  return 0;
}
