// HttpPool: a fixed set of keep-alive HTTP/1.1 connections to the daemon, one
// request at a time on each (no pipelining), as webhook providers send.
//
// A connection is free when it is connected and idle. A failure (connect,
// reset, an answer that cannot be parsed, no answer within the timeout)
// completes the request in flight with that outcome and reconnects after a
// short pause. A read stays posted while idle, so a connection the server
// closes between requests is noticed and replaced without failing a request.
//
// Thread safety: everything runs on the io_context's one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace routerd::loadgen {

class HttpPool {
 public:
  enum class Outcome { kAnswered, kConnectionError, kTimeout, kProtocolError };
  struct Completion {
    Outcome outcome = Outcome::kAnswered;
    int status = 0;  // kAnswered
  };
  // (connection index, completion). Called after the connection is updated,
  // so the callback may Send() again.
  using DoneFn = std::function<void(std::size_t, const Completion&)>;

  HttpPool(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, int connections,
           std::int64_t timeout_us, DoneFn done, std::function<void()> on_free);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  void Start();
  void Stop();

  bool HasFree() const { return !free_.empty(); }
  // Sends `bytes` on a free connection; returns its index.
  // REQUIRES: HasFree()
  std::size_t Send(std::shared_ptr<const std::string> bytes);

  std::size_t size() const { return conns_.size(); }
  std::size_t connected() const;
  std::size_t in_flight() const { return in_flight_; }
  std::uint64_t connect_failures() const { return connect_failures_; }

 private:
  struct Conn;
  void Connect(Conn& c);
  void Read(Conn& c);
  void OnRead(Conn& c, unsigned generation, const boost::system::error_code& ec, std::size_t n);
  void Complete(Conn& c, const Completion& done);
  void Fail(Conn& c, Outcome outcome);
  void Sweep();

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::int64_t timeout_us_;
  DoneFn done_;
  std::function<void()> on_free_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::size_t> free_;  // indexes of connected idle connections
  std::size_t in_flight_ = 0;
  std::uint64_t connect_failures_ = 0;
  boost::asio::steady_timer sweep_;
  bool stopped_ = false;
};

// Microseconds on the steady clock (the load generator's one time base).
std::int64_t NowUs();

}  // namespace routerd::loadgen
