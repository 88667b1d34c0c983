// AgentWsSession: one agent's WebSocket connection (GET /api/v1/agents/{id}/ws).
//
// Frames are JSON text, one object per frame with a `type` (docs/agent-api.md).
// Requests go to the router through the CommandBroker and get an `ack` or an
// `error` repeating their `id`.
// Writes: one in flight at a time. Messages from other threads land in an
// inbox under a small lock, and a flush is posted only when none is pending, so
// a burst of router events costs one wake-up of this connection's thread. The
// outbox is bounded: an agent that stops reading is disconnected (and gets the
// grace period) rather than ever slowing a router shard.
// Ping/pong heartbeats and the idle timeout are Beast's.
// The daemon ends a connection with a Close frame whose code says why
// (ws_close_codes.h); the agent is detached at once, and the closing
// handshake gets a bounded time before the socket is dropped.
// Cluster mode: a connection for a tenant that another instance routes is
// accepted and closed at once with 4004 and the owner's URL (Refer), never
// attached. One that was found here is checked again once attached, so that
// a move between the first check and the attach (whose CloseTenantConnections
// could not see it yet) does not leave it behind.
//
// Thread safety: runs on its I/O thread; Send() from any thread.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <simdjson.h>

#include "engine/gateway/agent_gateway.h"
#include "engine/gateway/auth.h"
#include "engine/gateway/owner_check.h"
#include "engine/gateway/ws_close_codes.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"

namespace routerd::gateway {

class AgentWsSession : public std::enable_shared_from_this<AgentWsSession> {
 public:
  // `owner_check`, when set, is asked again once the connection is attached.
  AgentWsSession(http::IoSocket&& socket, AgentGateway& gateway, AgentChannel& channel, Principal principal,
                 OwnerCheck owner_check = {});

  void Accept(http::HttpRequest&& upgrade);
  // Completes the upgrade and closes at once with 4004 and `reason` (the
  // owner's URL, OwnerMovedReason): the channel is never touched.
  void Refer(http::HttpRequest&& upgrade, std::string reason);
  void Send(Message message);
  // Ends the connection with a Close frame carrying `code` and `reason`
  // (AgentCloseReason(code) when empty); from any thread.
  void Close(AgentCloseCode code, std::string reason = {});
  // The token's principal that opened the connection (immutable).
  const Principal& principal() const { return principal_; }

 private:
  using Stream = boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type,
                                            boost::beast::unlimited_rate_policy>;
  void OnAccept(boost::beast::error_code ec);
  void Read();
  void OnRead(boost::beast::error_code ec, std::size_t n);
  void HandleRequest(std::string_view text);
  // Acknowledges a request, or answers its error, once the router (and the
  // store) decided.
  CommandBroker::Callback Answer(std::string raw_id);
  // set_cap (`set` holds the frame) or clear_cap.
  void ChangeOwnCap(const std::string& raw_id, std::optional<simdjson::dom::element> set);
  void Reply(std::string json) { Send(std::make_shared<const std::string>(std::move(json))); }
  void Flush();
  void Write();
  void OnWrite(boost::beast::error_code ec, std::size_t n);
  void CloseNow(AgentCloseCode code, std::string_view reason = {});
  // After the attach: the tenant moved away meanwhile (see above).
  bool MovedAway();
  void DropSocket();
  void Gone();

  boost::beast::websocket::stream<Stream> ws_;
  // Bounds the closing handshake (CloseNow).
  boost::asio::basic_waitable_timer<std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
                                    boost::asio::io_context::executor_type>
      close_deadline_;
  AgentGateway& gateway_;
  AgentChannel& channel_;
  const Principal principal_;
  const OwnerCheck owner_check_;
  std::optional<std::string> refer_reason_;  // Refer: the close reason once accepted
  boost::beast::flat_buffer read_buffer_;

  std::mutex inbox_mu_;
  std::vector<Message> inbox_;  // guarded by inbox_mu_
  bool flush_posted_ = false;   // guarded by inbox_mu_

  std::deque<Message> outbox_;  // own thread only; not yet being written
  Message in_flight_;           // own thread only; the frame being written (its bytes must live until done)
  bool writing_ = false;
  bool open_ = false;
  bool attached_ = false;  // to its channel (never for Refer)
  bool gone_ = false;
  bool closing_ = false;  // a Close frame was queued (own thread only)
};

}  // namespace routerd::gateway
