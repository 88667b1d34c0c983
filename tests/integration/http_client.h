// HttpClient: a small blocking HTTP/1.1 client over loopback, for tests that
// drive the real daemon through real sockets.
//
// One client is one keep-alive connection, opened on first use and reopened
// after the server closes it (a response without keep-alive, or an error).
// Every request (connect, write, read) must complete within the timeout; the
// I/O runs as Beast operations on the client's own io_context because only
// asynchronous operations honour tcp_stream's deadline, and the call blocks
// until they finish.
//
// Thread safety: none; one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "routerd/status.h"

namespace routerd::integration {

struct HttpResult {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false;

  // First header with this name (case-insensitive); empty when absent.
  std::string Header(std::string_view name) const;
};

class HttpClient {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `target` is the path with its query. Content-Length is always sent.
  StatusOr<HttpResult> Send(std::string_view method, std::string_view target, std::string body = {},
                            const Headers& headers = {});
  StatusOr<HttpResult> Get(std::string_view target, const Headers& headers = {}) {
    return Send("GET", target, {}, headers);
  }
  StatusOr<HttpResult> Post(std::string_view target, std::string body, const Headers& headers = {}) {
    return Send("POST", target, std::move(body), headers);
  }

  // Connections this client has opened so far.
  int connections_opened() const { return connections_opened_; }
  void Close();

 private:
  Status Connect();

  const std::uint16_t port_;
  const std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
  int connections_opened_ = 0;
};

}  // namespace routerd::integration
