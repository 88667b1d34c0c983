// AgentClient: one simulated agent on the daemon's agent WebSocket
// (GET /api/v1/agents/{employee_id}/ws with its bearer token). It connects,
// signs in and goes ready, then reports every frame to its listener, which
// decides when to close each session; Shutdown() signs out and closes.
//
// Thread safety: everything runs on the io_context's one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "bench/loadgen/agent_frames.h"
#include "bench/loadgen/routerd_config.h"

namespace routerd::loadgen {

class AgentClient;

class AgentListener {
 public:
  virtual ~AgentListener() = default;
  // The agent's `ready` was acknowledged.
  virtual void OnAgentReady(AgentClient& agent) = 0;
  virtual void OnAgentFrame(AgentClient& agent, const AgentFrame& frame) = 0;
  // A failure: the connection, the handshake, a refused request, a bad frame.
  virtual void OnAgentError(AgentClient& agent, std::string_view what) = 0;
  // The connection is gone (after Shutdown() or a failure).
  virtual void OnAgentClosed(AgentClient& agent) = 0;
};

class AgentClient : public std::enable_shared_from_this<AgentClient> {
 public:
  AgentClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, std::string host,
              AgentSpec spec, std::size_t index, AgentFrameParser& parser, AgentListener& listener);

  void Start();
  // {"type":"close","session_id":...}: ends one session.
  void CloseSession(const std::string& session_id);
  // Signs out and closes the connection once everything queued is written.
  void Shutdown();

  const AgentSpec& spec() const { return spec_; }
  std::size_t index() const { return index_; }
  bool ready() const { return ready_; }
  bool open() const { return open_; }

 private:
  void OnConnect(boost::beast::error_code ec);
  void OnHandshake(boost::beast::error_code ec);
  void Read();
  void OnRead(boost::beast::error_code ec, std::size_t n);
  void Send(std::string json);
  void Write();
  void OnWrite(boost::beast::error_code ec, std::size_t n);
  void Fail(std::string_view what, boost::beast::error_code ec);
  std::int64_t NextId() { return next_id_++; }

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::string host_;
  AgentSpec spec_;
  std::size_t index_;
  AgentFrameParser& parser_;
  AgentListener& listener_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool open_ = false;
  bool ready_ = false;
  bool closing_ = false;  // Shutdown() was called: close after the outbox drains
  bool gone_ = false;
  std::int64_t next_id_ = 1;
  std::int64_t ready_id_ = -1;
};

}  // namespace routerd::loadgen
