#include "engine/http/http_server.h"

#include "engine/base/thread_name.h"

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
    : options_(std::move(options)), handler_(handler) {
  for (int i = 0; i < options_.io_threads; ++i) {
    ios_.push_back(std::make_unique<net::io_context>(1));  // one thread each: no internal locking
    work_.push_back(net::make_work_guard(*ios_.back()));
  }
  acceptor_ = std::make_unique<tcp::acceptor>(*ios_[0]);
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
      ios_[i]->run();
    });
  }
  return Status::Ok();
}

void HttpServer::Accept() {
  net::io_context& target = *ios_[next_io_++ % ios_.size()];
  acceptor_->async_accept(target.get_executor(), [this](boost::system::error_code ec, HttpSession::Socket socket) {
    if (ec) {
      if (ec == net::error::operation_aborted || stopping()) return;
      // Out of descriptors and the like: keep accepting rather than going deaf.
      Accept();
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    counters_.connections.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t id;
    {
      std::lock_guard lock(sessions_mu_);
      id = next_session_id_++;
    }
    auto session = std::make_shared<HttpSession>(std::move(socket), *this, id);
    Register(id, session);
    session->Start();
    Accept();
  });
}

void HttpServer::HandlerFailed(std::string_view what) {
  counters_.handler_errors.fetch_add(1, std::memory_order_relaxed);
  if (auto held = handler_error_log_.Allow()) {
    spdlog::error("request handler failed: {}; answered 500{}", what,
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

void HttpServer::Stop() {
  if (threads_.empty()) return;
  stopping_.store(true, std::memory_order_release);
  net::post(*ios_[0], [this] {
    boost::system::error_code ignored;
    acceptor_->close(ignored);
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
