#include "tests/cluster/cluster_agent.h"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <map>
#include <thread>

#include "tests/gateway/test_clients.h"

namespace routerd::cluster_test {
namespace {

using gateway_test::JsonDoc;
using namespace std::chrono_literals;

// Bounds the run: connections per agent (a redirect loop would exhaust it)
// and frames per connection.
constexpr int kMaxConnects = 5000;
constexpr int kMaxFrames = 1'000'000;
constexpr auto kIoTimeout = std::chrono::seconds(10);
// routerd pings every 15 s: a connection silent for this long is dead.
constexpr auto kSilence = std::chrono::seconds(30);

class Agent {
 public:
  Agent(ClusterTraffic& t, AgentSpec spec, std::uint64_t seed) : t_(t), spec_(std::move(spec)), rng_(seed) {}

  void Run() {
    std::uint16_t port = 0;  // where to go next; 0: a random instance
    for (int connects = 0; connects < kMaxConnects; ++connects) {
      {
        std::lock_guard lock(t_.mu);
        if (t_.abort) return;
        if (port == 0) port = t_.RandomPort(rng_);
      }
      if (port == 0) {
        std::this_thread::sleep_for(50ms);
        continue;
      }
      const std::uint16_t redirect = Connection(port);
      // A redirect is followed at once (a short pause all the same, in case
      // two instances briefly name each other); anything else after a pause.
      std::this_thread::sleep_for(redirect != 0 ? 10ms : 100ms);
      port = redirect;
    }
    std::lock_guard lock(t_.mu);
    t_.violations.push_back(spec_.name() + " gave up after " + std::to_string(kMaxConnects) + " connections");
  }

 private:
  // One connection to `port`, until it ends. Returns the owner's port when it
  // ended with 4004 and a URL, else 0.
  std::uint16_t Connection(std::uint16_t port) {
    gateway_test::WsClient ws(port);
    StatusOr<int> upgraded = ws.Connect("/api/v1/agents/" + spec_.employee + "/ws", spec_.token, kIoTimeout);
    if (!upgraded.ok() || *upgraded != 101) return 0;
    AgentConnectionRecord record;
    record.agent = spec_.name();
    record.port = port;
    record.opened = SteadyClock::now();
    std::size_t index = 0;  // in t_.connections, which lists open connections too
    {
      std::lock_guard lock(t_.mu);
      record.serial = ++t_.next_serial;
      index = t_.connections.size();
      t_.connections.push_back(record);
    }
    held_.clear();
    closing_.clear();
    synced_ = false;
    for (int frames = 0; frames < kMaxFrames; ++frames) {
      // The first frame comes at once from an owner; a non-owner closes.
      StatusOr<std::string> text = ws.Read(record.frames == 0 ? kIoTimeout : kSilence);
      if (!text.ok()) break;
      record.last_frame = SteadyClock::now();
      if (record.frames++ == 0) Arrived(ws, record);
      OnFrame(ws, JsonDoc::Parse(std::move(*text)), record);
    }
    record.ended = SteadyClock::now();
    record.close_code = ws.close_code();
    record.close_reason = ws.close_reason();
    if (record.frames > 0) away_since_ = record.ended;
    std::lock_guard lock(t_.mu);
    t_.connections[index] = record;
    return record.close_code == 4004 ? PortOfUrl(record.close_reason) : 0;
  }

  // An owner's first frame: the agent is back at work.
  void Arrived(gateway_test::WsClient& ws, const AgentConnectionRecord& record) {
    {
      std::lock_guard lock(t_.mu);
      auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(record.last_frame - away_since_);
      auto& longest = t_.longest_gap[spec_.name()];
      longest = std::max(longest, gap);
    }
    // Either may be refused when the owner restored the agent signed in or
    // ready already: harmless.
    (void)ws.Send(R"({"type":"sign_in"})", kIoTimeout);
    (void)ws.Send(R"({"type":"ready"})", kIoTimeout);
  }

  void OnFrame(gateway_test::WsClient& ws, const JsonDoc& doc, const AgentConnectionRecord& record) {
    const std::string type = doc.Str("/type").value_or("");
    const std::string session = doc.Str("/session_id").value_or("");
    if (type == "assigned") {
      const std::string channel = doc.Str("/channel/id").value_or("?");
      channel_of_[session] = channel;
      if (held_.count(session) == 0) held_[session] = ++order_;
      std::vector<Shown> shown;
      for (std::size_t i = 0; i < doc.Size("/messages").value_or(0); ++i) {
        shown.push_back(
            Contact(channel + "/" + doc.Str("/messages/" + std::to_string(i) + "/id").value_or("?"), session, record));
      }
      if (shown.empty()) Violation("an assigned frame without messages", doc, record);
      {
        std::lock_guard lock(t_.mu);
        t_.shown.insert(t_.shown.end(), shown.begin(), shown.end());
      }
      CheckLoad(doc, "/route/effective_cap", record);
    } else if (type == "message") {
      auto it = channel_of_.find(session);
      const std::string channel = it == channel_of_.end() ? "?" : it->second;
      const Shown shown = Contact(channel + "/" + doc.Str("/message/id").value_or("?"), session, record);
      std::lock_guard lock(t_.mu);
      t_.shown.push_back(shown);
    } else if (type == "session_ended") {
      held_.erase(session);
      closing_.erase(session);
    } else if (type == "state" && doc.Has("/sessions")) {
      // The connect-time state lists every session the agent holds now.
      std::map<std::string, std::uint64_t> listed;
      for (std::size_t i = 0; i < doc.Size("/sessions").value_or(0); ++i) {
        const std::string id = doc.Str("/sessions/" + std::to_string(i)).value_or("?");
        auto known = held_.find(id);
        listed[id] = known == held_.end() ? ++order_ : known->second;
      }
      held_ = std::move(listed);
      synced_ = true;
      for (auto it = closing_.begin(); it != closing_.end();)
        it = held_.count(*it) ? std::next(it) : closing_.erase(it);
      CheckLoad(doc, "/effective_cap", record);
    } else if (type == "state") {
      CheckLoad(doc, "/effective_cap", record);
    }
    // The agent's own count is checked once the connection's state frame has
    // listed what it holds: before that, frames replayed from its grace period
    // may name sessions that have ended since (the cap itself is checked on
    // every frame through the server's active_sessions, CheckLoad).
    if (synced_ && static_cast<int>(held_.size()) > spec_.cap) {
      Violation("holds " + std::to_string(held_.size()) + " sessions, above its cap " + std::to_string(spec_.cap), doc,
                record);
    }
    MakeRoom(ws);
  }

  Shown Contact(std::string key, const std::string& session, const AgentConnectionRecord& record) const {
    return Shown{std::move(key), spec_.name(),  spec_.tenant + "/" + session,
                 record.port,    record.serial, record.last_frame};
  }

  void CheckLoad(const JsonDoc& doc, std::string_view cap_pointer, const AgentConnectionRecord& record) {
    const std::optional<std::int64_t> active = doc.Int("/active_sessions");
    const std::optional<std::int64_t> cap = doc.Int(cap_pointer);
    if (active && cap && *active > *cap) Violation("active_sessions above effective_cap", doc, record);
    if (active && *active > spec_.cap) Violation("active_sessions above the configured cap", doc, record);
  }

  // Closes the oldest sessions not being closed yet until one more fits.
  void MakeRoom(gateway_test::WsClient& ws) {
    while (static_cast<int>(held_.size() - closing_.size()) >= spec_.cap) {
      const std::string* oldest = nullptr;
      std::uint64_t oldest_order = 0;
      for (const auto& [id, order] : held_) {
        if (closing_.count(id) == 0 && (oldest == nullptr || order < oldest_order)) {
          oldest = &id;
          oldest_order = order;
        }
      }
      if (oldest == nullptr) return;
      closing_.insert(*oldest);
      if (!ws.Send(R"({"type":"close","session_id":")" + *oldest + "\"}", kIoTimeout).ok()) return;
    }
  }

  void Violation(const std::string& what, const JsonDoc& doc, const AgentConnectionRecord& record) {
    std::lock_guard lock(t_.mu);
    t_.violations.push_back(spec_.name() + " on port " + std::to_string(record.port) + " (connection " +
                            std::to_string(record.serial) + "): " + what + ": " + doc.text().substr(0, 300));
  }

  ClusterTraffic& t_;
  const AgentSpec spec_;
  std::mt19937_64 rng_;
  // This connection's view of the sessions the agent holds: session id ->
  // order of assignment (the oldest is closed first).
  std::map<std::string, std::uint64_t> held_;
  bool synced_ = false;  // this connection's state frame listed its sessions
  std::set<std::string> closing_;                  // closes sent, no session_ended yet
  std::map<std::string, std::string> channel_of_;  // session id -> channel id, for `message` frames
  std::uint64_t order_ = 0;
  TimePoint away_since_ = SteadyClock::now();  // since the last owner connection ended
};

}  // namespace

std::uint16_t PortOfUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  const std::size_t colon = url.rfind(':');
  if (url.substr(0, kScheme.size()) != kScheme || colon == std::string_view::npos || colon < kScheme.size()) return 0;
  unsigned port = 0;
  const char* end = url.data() + url.size();
  auto [ptr, ec] = std::from_chars(url.data() + colon + 1, end, port);
  if (ec != std::errc() || ptr != end || port == 0 || port > 65535) return 0;
  return static_cast<std::uint16_t>(port);
}

void RunClusterAgent(ClusterTraffic& t, const AgentSpec& spec, std::uint64_t seed) { Agent(t, spec, seed).Run(); }

}  // namespace routerd::cluster_test
