// WallboardSession: one browser's wallboard WebSocket (GET /console/api/wallboard).
//
// The token never travels in the URL (URLs end up in logs): the first frame
// the browser sends is {"type":"auth","token":"..."}, within kAuthTimeout. A
// tenant_admin token subscribes the connection to its tenant's snapshots; any
// other answer is an {"type":"error",...} frame and a close with code 1008.
// After that, frames from the browser are read (to see it leave) and ignored.
// Cluster mode: a wallboard of a tenant that another instance routes is
// closed with 4004 whose reason is the owner's URL (owner_check.h), checked
// once subscribed so that a move that happens meanwhile is seen either here
// or by WallboardHub::CloseTenant.
//
// Sends are bounded: every snapshot is the whole state, so a connection keeps
// at most one frame waiting besides the one being written, and a newer
// snapshot replaces a waiting one. A slow browser gets fewer, never older,
// snapshots, and costs the daemon no more memory.
//
// Thread safety: runs on its I/O thread; Send and Close from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "engine/gateway/auth.h"
#include "engine/gateway/owner_check.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"

namespace routerd::console {

class WallboardHub;
using Frame = std::shared_ptr<const std::string>;

class WallboardSession : public std::enable_shared_from_this<WallboardSession> {
 public:
  static constexpr std::chrono::seconds kAuthTimeout{10};

  // `report_failed_authentication` counts a missing or unknown token against
  // the client's budget (http::RequestContext::FailedAuthenticationReporter).
  // `owner_check`: which tenants this instance routes (none: all of them).
  WallboardSession(http::IoSocket&& socket, WallboardHub& hub, const gateway::Authenticator& auth,
                   std::function<void()> report_failed_authentication, gateway::OwnerCheck owner_check = {});

  // Completes the upgrade; the hub learns of the connection once it is open.
  void Accept(http::HttpRequest&& upgrade);
  // Queues `frame`, replacing one that waits. Any thread.
  void Send(Frame frame);
  // Drops the connection. Any thread.
  void Close();
  // Its token was revoked: an error frame, then a close (1008). Any thread.
  void Revoked();
  // Its tenant is routed by another instance now: a close with 4004 and
  // `reason` (the owner's URL, OwnerMovedReason). Any thread.
  void Moved(std::string reason);

 private:
  using Stream = boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type,
                                            boost::beast::unlimited_rate_policy>;
  void OnAccept(boost::beast::error_code ec);
  void Read();
  void OnRead(boost::beast::error_code ec);
  void Authenticate(std::string_view text);
  // Writes an error frame, then closes with 1008 (policy violation).
  void Refuse(std::string_view error, std::string_view detail);
  // Closes with `code` and `reason` once the frame being written is out.
  void CloseWith(std::uint16_t code, std::string reason);
  void SendClose();
  void Flush();
  void Write(Frame frame);
  void OnWrite(boost::beast::error_code ec);
  void Shutdown();

  boost::beast::websocket::stream<Stream> ws_;
  WallboardHub& hub_;
  const gateway::Authenticator& auth_;
  const std::function<void()> report_failed_authentication_;
  const gateway::OwnerCheck owner_check_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::steady_timer auth_timer_;

  std::mutex mu_;
  Frame waiting_;              // guarded by mu_
  bool flush_posted_ = false;  // guarded by mu_

  // Own thread only.
  Frame in_flight_;  // its bytes must live until the write completes
  Frame refusal_;    // the error frame of Refuse, until it can be written
  std::uint16_t close_code_ = 1008;  // the close that follows a refusal
  std::string close_reason_;
  bool writing_ = false;
  bool open_ = false;
  bool authenticated_ = false;
  bool refused_ = false;
  bool done_ = false;
};

}  // namespace routerd::console
