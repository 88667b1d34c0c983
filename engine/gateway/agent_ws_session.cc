#include "engine/gateway/agent_ws_session.h"

#include <simdjson.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "engine/base/guarded_call.h"
#include "engine/gateway/gateway_json.h"
#include "engine/gateway/state_change.h"
#include "engine/gateway/transfer_request.h"

namespace routerd::gateway {
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

constexpr std::size_t kMaxFrame = 64 * 1024;

std::string_view CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kInvalidArgument: return "bad_request";
    case StatusCode::kFailedPrecondition: return "conflict";
    case StatusCode::kResourceExhausted: return "overloaded";
    case StatusCode::kPermissionDenied: return "forbidden";
    case StatusCode::kUnavailable: return "unavailable";
    default: return "error";
  }
}

// A session id given as a JSON string of digits or as a number.
std::optional<std::uint64_t> SessionIdOf(simdjson::dom::element e) {
  std::uint64_t n = 0;
  if (e.get_uint64().get(n) == simdjson::SUCCESS) return n;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS || s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

AgentWsSession::AgentWsSession(http::IoSocket&& socket, AgentGateway& gateway, AgentChannel& channel,
                               Principal principal, OwnerCheck owner_check)
    : ws_(Stream(std::move(socket))),
      close_deadline_(ws_.get_executor()),
      gateway_(gateway),
      channel_(channel),
      principal_(std::move(principal)),
      owner_check_(std::move(owner_check)) {}

void AgentWsSession::Accept(http::HttpRequest&& upgrade) {
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(30);  // a ping goes out at half of it
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(kMaxFrame);
  ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
}

void AgentWsSession::Refer(http::HttpRequest&& upgrade, std::string reason) {
  refer_reason_ = std::move(reason);
  Accept(std::move(upgrade));
}

void AgentWsSession::OnAccept(beast::error_code ec) {
  if (ec) return;  // never attached: nothing to detach
  open_ = true;
  if (refer_reason_) return CloseNow(AgentCloseCode::kOwnerMoved, *refer_reason_);
  if (!gateway_.Attach(channel_, shared_from_this())) {
    // The handshake finished after the daemon began to stop.
    open_ = false;
    gone_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  attached_ = true;
  if (MovedAway()) return;
  Read();
}

bool AgentWsSession::MovedAway() {
  if (!owner_check_) return false;
  const TenantOwner owner = owner_check_(principal_.tenant->id);
  if (owner.here) return false;
  // As CloseTenantConnections would have done had it seen this connection:
  // the channel forgets it (no grace period), and it is told where to go.
  const std::string reason = OwnerMovedReason(owner);
  std::shared_ptr<AgentWsSession> other = gateway_.ResetChannel(channel_);
  if (other && other.get() != this) other->Close(AgentCloseCode::kOwnerMoved, reason);
  CloseNow(AgentCloseCode::kOwnerMoved, reason);
  return true;
}

void AgentWsSession::Read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnRead(ec, n); });
}

void AgentWsSession::OnRead(beast::error_code ec, std::size_t) {
  if (ec) return Gone();
  const std::string text = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  // A request that throws (std::bad_alloc included) is answered with an
  // error frame; the connection and the agent's sessions stay.
  static FailureLog failures("an agent WebSocket request");
  GuardedCall(failures, [&] { HandleRequest(text); },
              [&] { Reply(ErrorJson("", "internal", "the request could not be handled")); });
  Read();
}

void AgentWsSession::HandleRequest(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
    return Reply(ErrorJson("", "bad_request", "a frame must be one JSON object"));
  }
  std::string raw_id;
  simdjson::dom::element id;
  if (doc["id"].get(id) == simdjson::SUCCESS) {
    if (id.is_string() || id.is_int64() || id.is_uint64()) {
      raw_id = simdjson::to_string(id);
    } else {
      return Reply(ErrorJson("", "bad_request", "id must be a string or an integer"));
    }
  }
  std::string_view type;
  if (doc["type"].get_string().get(type) != simdjson::SUCCESS) {
    return Reply(ErrorJson(raw_id, "bad_request", "type must be a string"));
  }

  routing::AgentCommand cmd;
  cmd.target = channel_.agent;
  if (type == "sign_in" || type == "ready" || type == "not_ready" || type == "sign_out") {
    std::optional<std::string_view> reason;
    simdjson::dom::element reason_value;
    if (doc["reason"].get(reason_value) == simdjson::SUCCESS) {
      std::string_view text;
      if (reason_value.get_string().get(text) != simdjson::SUCCESS) {
        return Reply(ErrorJson(raw_id, "bad_request", "reason must be a string"));
      }
      reason = text;
    }
    const Status parsed = ParseStateChange(*principal_.tenant, StateVocabulary::kWebSocket, type, reason, cmd);
    if (!parsed.ok()) return Reply(ErrorJson(raw_id, "bad_request", parsed.message()));
  } else if (type == "end_wrap_up") {
    // Without a session_id: all of the agent's after-contact work.
    cmd.type = routing::AgentCommandType::kEndWrapUp;
    simdjson::dom::element sid;
    if (doc["session_id"].get(sid) == simdjson::SUCCESS) {
      const std::optional<std::uint64_t> session = SessionIdOf(sid);
      if (!session) return Reply(ErrorJson(raw_id, "bad_request", "session_id must be a session id"));
      cmd.session_id = *session;
    }
  } else if (type == "close" || type == "transfer") {
    simdjson::dom::element sid;
    std::optional<std::uint64_t> session;
    if (doc["session_id"].get(sid) == simdjson::SUCCESS) session = SessionIdOf(sid);
    if (!session) return Reply(ErrorJson(raw_id, "bad_request", "session_id must be a session id"));
    cmd.session_id = *session;
    cmd.type = type == "close" ? routing::AgentCommandType::kCloseSession : routing::AgentCommandType::kTransfer;
    if (type == "transfer") {
      const Status parsed = ParseTransferRequest(gateway_.shards().directory(), channel_.tenant, doc, cmd);
      if (!parsed.ok()) return Reply(ErrorJson(raw_id, CodeName(parsed.code()), parsed.message()));
    }
  } else if (type == "set_cap" || type == "clear_cap") {
    return ChangeOwnCap(raw_id, type == "set_cap" ? std::optional(doc) : std::nullopt);
  } else {
    return Reply(ErrorJson(raw_id, "bad_request", "unknown type"));
  }
  gateway_.broker().Submit(channel_.tenant, cmd, Answer(raw_id));
}

CommandBroker::Callback AgentWsSession::Answer(std::string raw_id) {
  std::weak_ptr<AgentWsSession> weak = shared_from_this();
  return [weak, raw_id = std::move(raw_id)](StatusCode code, std::string_view error) {
    if (auto self = weak.lock()) {
      self->Reply(code == StatusCode::kOk ? AckJson(raw_id) : ErrorJson(raw_id, CodeName(code), error));
    }
  };
}

// The agent's Personal Center setting: {"type":"set_cap","max_concurrent_sessions":n}
// or {"type":"clear_cap"}. With the tenant admin's token it is the
// administrator's setting, as over REST.
void AgentWsSession::ChangeOwnCap(const std::string& raw_id, std::optional<simdjson::dom::element> set) {
  routing::AgentCommand cmd;
  cmd.type = routing::AgentCommandType::kSetAgentCap;
  cmd.target = channel_.agent;
  if (set) {
    std::int64_t cap = 0;
    if ((*set)["max_concurrent_sessions"].get_int64().get(cap) != simdjson::SUCCESS) {
      return Reply(ErrorJson(raw_id, "bad_request", "max_concurrent_sessions must be an integer"));
    }
    if (Status bad = CapChanges::CheckCapValue(cap); !bad.ok()) {
      return Reply(ErrorJson(raw_id, "bad_request", bad.message()));
    }
    cmd.cap = static_cast<std::uint32_t>(cap);
  }
  if (!principal_.admin()) {
    // In effect: a reload may have changed the agent's type.
    const std::shared_ptr<const config::TenantConfig> tenant =
        gateway_.shards().tenant_configs().Get(principal_.tenant->id);
    const Status allowed = CapChanges::CheckPersonal(*tenant, tenant->agents[channel_.agent], cmd.cap);
    if (!allowed.ok()) return Reply(ErrorJson(raw_id, CodeName(allowed.code()), allowed.message()));
    cmd.personal = true;
  }
  gateway_.caps().Submit(channel_.tenant, cmd,
                         CapChanges::Stored(principal_, storage::CapScope::kAgent, channel_.employee_id, cmd),
                         Answer(raw_id));
}

void AgentWsSession::Send(Message message) {
  {
    std::lock_guard lock(inbox_mu_);
    inbox_.push_back(std::move(message));
    if (flush_posted_) return;
    flush_posted_ = true;
  }
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] { self->Flush(); });
}

void AgentWsSession::Flush() {
  std::vector<Message> batch;
  {
    std::lock_guard lock(inbox_mu_);
    batch.swap(inbox_);
    flush_posted_ = false;
  }
  if (gone_) return;
  for (Message& m : batch) outbox_.push_back(std::move(m));
  if (outbox_.size() > gateway_.outbox_limit()) {
    // It stopped reading: disconnect it rather than queue without bound. It
    // gets the grace period like any disconnect, and what it had not read
    // waits for its return (bounded).
    gateway_.mutable_counters().slow_closed.fetch_add(1, std::memory_order_relaxed);
    return CloseNow(AgentCloseCode::kSlowConsumer);
  }
  if (!writing_ && open_) Write();
}

void AgentWsSession::Write() {
  writing_ = true;
  in_flight_ = std::move(outbox_.front());
  outbox_.pop_front();
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*in_flight_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnWrite(ec, n); });
}

void AgentWsSession::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return Gone();
  in_flight_.reset();
  if (!outbox_.empty() && !gone_) Write();
}

void AgentWsSession::Close(AgentCloseCode code, std::string reason) {
  boost::asio::post(ws_.get_executor(),
                    [self = shared_from_this(), code, reason = std::move(reason)] { self->CloseNow(code, reason); });
}

void AgentWsSession::CloseNow(AgentCloseCode code, std::string_view reason) {
  if (gone_ || closing_) return;
  closing_ = true;
  const bool was_open = open_;
  // Detached first: whatever comes from now on waits for the agent's next
  // connection instead of queueing behind the Close frame.
  Gone();
  if (!was_open) return DropSocket();
  // The frame goes out after the one being written (Beast orders them). A
  // client that never reads it, or never answers it, is dropped when the
  // deadline passes: a slow consumer gets time to drain what its kernel
  // buffers hold. A stop waits only briefly: the frame is in the socket's
  // buffer at once, and dropping the socket after it still delivers it.
  close_deadline_.expires_after(code == AgentCloseCode::kShuttingDown ? std::chrono::milliseconds(250)
                                                                      : std::chrono::milliseconds(10'000));
  close_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->DropSocket();
  });
  // Longer than a close frame allows would throw; OwnerMovedReason keeps
  // within it, and this only guards against a caller that did not.
  if (reason.empty() || reason.size() > kMaxCloseReason) reason = AgentCloseReason(code);
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                  [self = shared_from_this()](beast::error_code) { self->DropSocket(); });
}

void AgentWsSession::DropSocket() {
  close_deadline_.cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void AgentWsSession::Gone() {
  if (gone_) return;
  gone_ = true;
  if (!attached_) return;
  // The frame being written may or may not have reached the agent: it is
  // replayed too (at least once). A copy of the pointer keeps its bytes alive
  // for the write still in progress.
  std::deque<Message> undelivered;
  if (in_flight_) undelivered.push_back(in_flight_);
  for (Message& m : outbox_) undelivered.push_back(std::move(m));
  outbox_.clear();
  {
    std::lock_guard lock(inbox_mu_);
    for (Message& m : inbox_) undelivered.push_back(std::move(m));
    inbox_.clear();
  }
  gateway_.Detach(channel_, this, std::move(undelivered));
}

}  // namespace routerd::gateway
