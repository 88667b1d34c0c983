// Blocking test clients for the agent-gateway integration tests: an HTTP/1.1
// client and a WebSocket client over loopback, plus JsonDoc, a parsed JSON
// frame or body queried by JSON pointer.
//
// Every network operation is bounded: the clients run Beast's asynchronous
// operations on their own io_context with a tcp_stream deadline (only
// asynchronous operations honour it) and block until they finish, so a test
// that waits for a frame that never comes fails instead of hanging.
//
// Thread safety: none; one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "routerd/status.h"

namespace routerd::gateway_test {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A parsed JSON text. Lookups take RFC 6901 pointers ("/customer/id",
// "/messages/0/text"); a missing value or one of another type is nullopt.
class JsonDoc {
 public:
  JsonDoc() = default;
  static JsonDoc Parse(std::string text);

  bool ok() const { return parser_ != nullptr; }
  const std::string& text() const { return text_; }
  std::optional<std::string> Str(std::string_view pointer) const;
  std::optional<std::int64_t> Int(std::string_view pointer) const;
  std::optional<bool> Bool(std::string_view pointer) const;
  // Elements of an array, or fields of an object.
  std::optional<std::size_t> Size(std::string_view pointer) const;
  bool Has(std::string_view pointer) const;

 private:
  std::string text_;
  std::unique_ptr<simdjson::dom::parser> parser_;  // owns what root_ points into
  simdjson::dom::element root_;
};

struct HttpReply {
  int status = 0;
  std::string body;
  Headers headers;

  // First header with this name (case-insensitive); empty when absent.
  std::string Header(std::string_view name) const;
  JsonDoc Json() const { return JsonDoc::Parse(body); }
};

// One keep-alive connection to 127.0.0.1:port, reopened when the server closes it.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  StatusOr<HttpReply> Send(std::string_view method, std::string_view target, std::string body,
                           const Headers& headers);
  void Close();

 private:
  const std::uint16_t port_;
  const std::chrono::milliseconds timeout_;
  boost::asio::io_context io_{1};
  boost::beast::tcp_stream stream_{io_};
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// A client-role WebSocket to 127.0.0.1:port.
class WsClient {
 public:
  explicit WsClient(std::uint16_t port);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and sends the upgrade for `target`, with "Authorization: Bearer
  // <token>" unless `bearer_token` is empty. Returns the HTTP status of the
  // answer: 101 when upgraded, else the refusal's status (its body in
  // refusal_body()). `receive_buffer` > 0 sets SO_RCVBUF before connecting, so
  // that a client that stops reading fills the server's buffers sooner.
  StatusOr<int> Connect(std::string_view target, std::string_view bearer_token,
                        std::chrono::milliseconds timeout, int receive_buffer = 0);
  const std::string& refusal_body() const { return refusal_body_; }

  Status Send(std::string_view text, std::chrono::milliseconds timeout);
  // The next text frame. Any failure (timeout, close by the server, reset)
  // leaves the connection unusable.
  StatusOr<std::string> Read(std::chrono::milliseconds timeout);
  // Drops the TCP connection without the closing handshake (a crashed or
  // unplugged agent).
  void Abort();
  bool open() const { return open_; }
  // Whether the last failed Read ran out of time (rather than the server
  // closing or resetting the connection).
  bool timed_out() const { return timed_out_; }
  // The code of the server's Close frame once a Read ended with it; 0 when
  // the connection ended without one (or is still open).
  int close_code() const { return close_code_; }
  // The reason text of that Close frame.
  const std::string& close_reason() const { return close_reason_; }

 private:
  const std::uint16_t port_;
  boost::asio::io_context io_{1};
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_{io_};
  boost::beast::flat_buffer buffer_;
  std::string refusal_body_;
  bool open_ = false;
  bool timed_out_ = false;
  int close_code_ = 0;
  std::string close_reason_;
};

// "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)): our web
// widget's X-Routerd-Signature, computed here with OpenSSL and no project code.
std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body);
// Lowercase hex SHA-256 (token_sha256 in the configuration).
std::string Sha256Hex(std::string_view data);
// A JSON string literal for `s`, quotes included.
std::string JsonQuote(std::string_view s);

}  // namespace routerd::gateway_test
