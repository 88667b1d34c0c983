// HttpServer: HTTP/1.1 over Asio and Beast, on `io_threads` threads.
//
// DESIGN
// Each I/O thread runs its own io_context, and a connection stays on one
// thread for its life (Envoy's worker model): no strands, no cross-thread
// handoff inside a request, and per-thread resources (router producer tokens,
// the batch of accepted contacts flushed once per event-loop round) need no
// locks. The acceptor deals connections to the threads in turn. A session alternates: wait for the first byte
// of a request (idle timeout), read the whole request within the read timeout
// (so a slow or stalled client is closed and never holds anything), hand it to
// the RequestHandler, write the response, and loop while keep-alive. Limits:
// body (413), header block (431), and the read buffer, which bounds how many
// pipelined requests can be waiting: the next request is read only after the
// previous response is written.
// Stop() is graceful: the acceptor closes, idle connections are closed, and
// requests already being read or answered get shutdown_grace to finish.
// Overload: beyond max_connections open HTTP connections a new one is
// accepted, told 503 and closed (a connection left in the backlog would only
// time out); when the process runs out of descriptors (EMFILE/ENFILE) the
// accept loop pauses instead of spinning on the error. A request whose
// handler throws (std::bad_alloc included) is answered 500 and the
// connection closed; the process goes on. The three are counted and logged,
// at most once per interval each. A client address that fails to
// authenticate too often is answered 429 from its request headers on
// (AuthFailureGuard).
//
// Thread safety: Start/Stop from one (control) thread; counters anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/base/log_limiter.h"
#include "engine/http/auth_failure_guard.h"
#include "engine/http/request_handler.h"
#include "engine/metrics/prometheus_writer.h"
#include "routerd/status.h"

namespace routerd::http {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";
  int io_threads = 1;
  // The body limit of a route that does not set its own (RequestHandler::AdmitBody).
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};
  // Open HTTP connections at most (a WebSocket leaves this count once
  // upgraded); 0: no limit.
  std::size_t max_connections = 0;
  // Failed authentications allowed per client address (AuthFailureGuard).
  AuthFailureBudget auth_failures;
};

struct HttpServerCounters {
  std::atomic<std::uint64_t> connections{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> malformed{0};  // 400, 413, 431 before any handler ran
  std::atomic<std::uint64_t> refused{0};    // connections over max_connections
  std::atomic<std::uint64_t> accept_errors{0};  // accept failures (out of descriptors, ...)
  std::atomic<std::uint64_t> handler_errors{0};  // handlers that threw: answered 500
};

class HttpSession;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, RequestHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O threads. Error when the address cannot be used.
  Status Start();
  void Stop();
  // The bound port (useful with port 0).
  std::uint16_t port() const { return port_; }
  const HttpServerCounters& counters() const { return counters_; }
  std::size_t open_connections() const;
  // The routerd_http_* families of /metrics.
  void RenderMetrics(metrics::PrometheusWriter& out) const;

 private:
  friend class HttpSession;
  void Accept();
  void OnAcceptError(const boost::system::error_code& ec);
  void Refuse(IoSocket socket);
  // A handler threw: counted, logged (rate-limited).
  void HandlerFailed(std::string_view what);
  void Register(std::uint64_t id, const std::shared_ptr<HttpSession>& session);
  void Unregister(std::uint64_t id);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  const HttpServerOptions options_;
  RequestHandler& handler_;
  // Declared before io_ so that they outlive it: sessions still owned by
  // pending handlers unregister themselves when io_ is destroyed.
  mutable std::mutex sessions_mu_;
  std::condition_variable sessions_cv_;
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> sessions_;  // guarded by sessions_mu_
  std::uint64_t next_session_id_ = 0;                                      // guarded by sessions_mu_

  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> ios_;  // one per I/O thread
  std::vector<WorkGuard> work_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;    // on ios_[0]
  std::unique_ptr<boost::asio::steady_timer> accept_pause_;     // on ios_[0]
  std::chrono::milliseconds accept_backoff_{0};                 // used on ios_[0] only
  std::size_t next_io_ = 0;                                     // used on ios_[0] only
  std::vector<std::thread> threads_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  HttpServerCounters counters_;
  // Shared: a WebSocket session may report a failure after its HTTP session ended.
  const std::shared_ptr<AuthFailureGuard> auth_guard_;
  LogLimiter refused_log_{std::chrono::seconds(10)};
  LogLimiter accept_error_log_{std::chrono::seconds(10)};
  LogLimiter handler_error_log_{std::chrono::seconds(1)};
};

}  // namespace routerd::http
