#include "engine/http/http_server.h"

#include "engine/base/guarded_call.h"
#include "engine/base/log_escape.h"
#include "engine/base/thread_name.h"

#include <algorithm>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "engine/http/http_session.h"
#include "engine/http/io_thread.h"

namespace routerd::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

StatusOr<tcp::endpoint> ParseListen(const std::string& listen, net::io_context& io) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen '" + listen + "' is not host:port");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(host, port, tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen address '" + listen + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, RequestHandler& handler)
    : options_(std::move(options)),
      handler_(handler),
      auth_guard_(std::make_shared<AuthFailureGuard>(options_.auth_failures)) {
  for (int i = 0; i < options_.io_threads; ++i) {
    ios_.push_back(std::make_unique<net::io_context>(1));  // one thread each: no internal locking
    work_.push_back(net::make_work_guard(*ios_.back()));
  }
  acceptor_ = std::make_unique<tcp::acceptor>(*ios_[0]);
  accept_pause_ = std::make_unique<net::steady_timer>(*ios_[0]);
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() {
  auto endpoint = ParseListen(options_.listen, *ios_[0]);
  if (!endpoint.ok()) return endpoint.status();
  boost::system::error_code ec;
  acceptor_->open(endpoint->protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(*endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("cannot listen on " + options_.listen + ": " + ec.message());
  port_ = acceptor_->local_endpoint().port();
  Accept();
  for (int i = 0; i < options_.io_threads; ++i) {
    threads_.emplace_back([this, i] {
      SetThreadName("rd-io-" + std::to_string(i));
      SetCurrentIoThread(i, ios_[i].get());
      // Every connection of this thread (HTTP and WebSocket) lives in this
      // loop: a handler that throws loses its own connection, not them all.
      static FailureLog failures("an I/O thread's handler");
      RunEventLoopGuarded(*ios_[i], failures);
    });
  }
  return Status::Ok();
}

void HttpServer::Accept() {
  net::io_context& target = *ios_[next_io_++ % ios_.size()];
  acceptor_->async_accept(target.get_executor(), [this](boost::system::error_code ec, HttpSession::Socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping()) return;
      return OnAcceptError(ec);
    }
    accept_backoff_ = std::chrono::milliseconds(0);
    socket.set_option(tcp::no_delay(true), ec);
    counters_.connections.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t id = 0;
    bool over_limit = false;
    {
      // Only this thread registers sessions, so the count cannot grow
      // between this check and Register below.
      std::lock_guard lock(sessions_mu_);
      over_limit = options_.max_connections > 0 && sessions_.size() >= options_.max_connections;
      if (!over_limit) id = next_session_id_++;
    }
    if (over_limit) {
      Refuse(std::move(socket));
      return Accept();
    }
    auto session = std::make_shared<HttpSession>(std::move(socket), *this, id);
    Register(id, session);
    session->Start();
    Accept();
  });
}

void HttpServer::OnAcceptError(const boost::system::error_code& ec) {
  counters_.accept_errors.fetch_add(1, std::memory_order_relaxed);
  const bool out_of_resources = ec == net::error::no_descriptors ||
                                ec == boost::system::errc::too_many_files_open_in_system ||
                                ec == net::error::no_buffer_space || ec == net::error::no_memory;
  if (!out_of_resources) {
    // A connection that failed before it was accepted (reset, aborted): the
    // next one is unaffected.
    return Accept();
  }
  // The pending connection stays in the backlog and the next accept would
  // fail at once: retrying at once spins a core. Pause, doubling up to 1 s,
  // until descriptors are free again.
  accept_backoff_ = std::clamp(accept_backoff_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  if (auto held = accept_error_log_.Allow()) {
    spdlog::error("accept failed: {} ({} connections open); pausing accepts for {} ms{}", ec.message(),
                  open_connections(), accept_backoff_.count(),
                  *held ? fmt::format(" ({} more accept failures since the last message)", *held) : "");
  }
  accept_pause_->expires_after(accept_backoff_);
  accept_pause_->async_wait([this](const boost::system::error_code& wait_ec) {
    if (wait_ec || stopping()) return;
    Accept();
  });
}

// Accepted and answered rather than left in the backlog, where the client
// would only see a timeout.
void HttpServer::Refuse(IoSocket socket) {
  counters_.refused.fetch_add(1, std::memory_order_relaxed);
  if (auto held = refused_log_.Allow()) {
    spdlog::warn("connection refused: max_connections = {} are open{}", options_.max_connections,
                 *held ? fmt::format(" ({} more refused since the last message)", *held) : "");
  }
  static constexpr std::string_view kBody = R"({"error":"overloaded","detail":"too many open connections"})";
  static const std::string kResponse = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                                       "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                                       std::to_string(kBody.size()) + "\r\n\r\n" + std::string(kBody);
  boost::system::error_code ignored;
  // A new connection's send buffer is empty: the short answer fits without waiting.
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(kResponse), ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
}

void HttpServer::HandlerFailed(std::string_view what) {
  counters_.handler_errors.fetch_add(1, std::memory_order_relaxed);
  if (auto held = handler_error_log_.Allow()) {
    spdlog::error("request handler failed: {}; answered 500{}", EscapeForLog(what),
                  *held ? fmt::format(" ({} more failures since the last message)", *held) : "");
  }
}

void HttpServer::Register(std::uint64_t id, const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(id, session);
}

void HttpServer::Unregister(std::uint64_t id) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(id);
  sessions_cv_.notify_all();
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(sessions_mu_);
  return sessions_.size();
}

void HttpServer::RenderMetrics(metrics::PrometheusWriter& out) const {
  const HttpServerCounters& h = counters_;
  out.One("routerd_http_connections_total", "counter", "TCP connections accepted.",
          h.connections.load(std::memory_order_relaxed));
  out.One("routerd_http_requests_total", "counter", "Complete HTTP requests read.",
          h.requests.load(std::memory_order_relaxed));
  out.One("routerd_http_timeouts_total", "counter", "Connections closed by the read or idle timeout.",
          h.timeouts.load(std::memory_order_relaxed));
  out.One("routerd_http_malformed_total", "counter", "Requests refused before routing (400, 413, 431).",
          h.malformed.load(std::memory_order_relaxed));
  out.One("routerd_http_refused_connections_total", "counter",
          "Connections answered 503 and closed because max_connections were open.",
          h.refused.load(std::memory_order_relaxed));
  out.One("routerd_http_accept_errors_total", "counter", "Failed accepts (e.g. out of file descriptors).",
          h.accept_errors.load(std::memory_order_relaxed));
  out.One("routerd_http_handler_errors_total", "counter", "Requests whose handler failed (answered 500).",
          h.handler_errors.load(std::memory_order_relaxed));
  out.One("routerd_http_auth_throttled_total", "counter",
          "Requests answered 429 because their client address failed to authenticate too often.",
          auth_guard_->refusals());
  out.One("routerd_http_auth_failure_addresses", "gauge",
          "Client addresses with recent failed authentications that are remembered.",
          static_cast<std::uint64_t>(auth_guard_->tracked()));
  out.One("routerd_http_open_connections", "gauge", "Connections open now.",
          static_cast<std::uint64_t>(open_connections()));
}

void HttpServer::Stop() {
  if (threads_.empty()) return;
  stopping_.store(true, std::memory_order_release);
  net::post(*ios_[0], [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
    accept_pause_->cancel();
  });
  // Copy the sessions out under the lock; tell them outside it.
  std::vector<std::shared_ptr<HttpSession>> live;
  {
    std::lock_guard lock(sessions_mu_);
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Shutdown();
  live.clear();
  bool drained;
  {
    std::unique_lock lock(sessions_mu_);
    drained = sessions_cv_.wait_for(lock, options_.shutdown_grace, [this] { return sessions_.empty(); });
  }
  // Let each thread finish what is queued (responses, flushes of accepted
  // contacts) and return; past the grace period, stop them outright.
  work_.clear();
  if (!drained) {
    for (auto& io : ios_) io->stop();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace routerd::http
