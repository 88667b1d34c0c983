// RawClient: a blocking loopback client for the HTTP server tests, so a test
// controls exactly which bytes go out when and sees exactly what comes back.
//
// Thread safety: none; one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace routerd::http::test_support {

using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

// Polls `done` for up to 5 s (a slow machine only makes the test slower):
// for what the server does after the client has seen its effect (its
// bookkeeping of a closed connection, say).
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  }
  void Send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes)); }
  // Reads until the peer closes or `deadline` passes; returns what arrived.
  std::string ReadAll(std::chrono::milliseconds deadline = 5000ms) {
    socket_.non_blocking(true);
    std::string out;
    auto until = std::chrono::steady_clock::now() + deadline;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
      boost::system::error_code ec;
      std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec == boost::asio::error::would_block) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      if (ec) {
        closed_ = true;
        break;
      }
      out.append(buf, n);
    }
    return out;
  }
  // Reads until `count` complete responses (by "HTTP/1.1 " starts) arrived.
  std::string ReadResponses(int count, std::chrono::milliseconds deadline = 5000ms) {
    socket_.non_blocking(true);
    std::string out;
    auto until = std::chrono::steady_clock::now() + deadline;
    char buf[4096];
    auto complete = [&] {
      int seen = 0;
      std::size_t pos = 0;
      while ((pos = out.find("\r\n\r\n", pos)) != std::string::npos) {
        ++seen;
        pos += 4;
      }
      return seen >= count;
    };
    while (!complete() && std::chrono::steady_clock::now() < until) {
      boost::system::error_code ec;
      std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
      if (ec == boost::asio::error::would_block) {
        std::this_thread::sleep_for(2ms);
        continue;
      }
      if (ec) break;
      out.append(buf, n);
    }
    // Bodies are short and sent with the headers in these tests.
    std::this_thread::sleep_for(20ms);
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(boost::asio::buffer(buf), ec);
    if (!ec) out.append(buf, n);
    return out;
  }
  bool closed() const { return closed_; }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  bool closed_ = false;
};

}  // namespace routerd::http::test_support
