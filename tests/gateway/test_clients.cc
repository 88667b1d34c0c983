#include "tests/gateway/test_clients.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace routerd::gateway_test {
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string HexOf(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

// Runs the operation that `start` launched on `io` to completion (or to the
// stream's deadline, which fails it).
template <typename Start>
beast::error_code RunToCompletion(net::io_context& io, Start&& start) {
  beast::error_code result = net::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

net::ip::tcp::endpoint Loopback(std::uint16_t port) {
  return net::ip::tcp::endpoint(net::ip::address_v4::loopback(), port);
}

}  // namespace

// ---------------------------------------------------------------------------
// JsonDoc

JsonDoc JsonDoc::Parse(std::string text) {
  JsonDoc doc;
  doc.text_ = std::move(text);
  auto parser = std::make_unique<simdjson::dom::parser>();
  if (parser->parse(doc.text_).get(doc.root_) != simdjson::SUCCESS) return doc;
  doc.parser_ = std::move(parser);
  return doc;
}

std::optional<std::string> JsonDoc::Str(std::string_view pointer) const {
  if (!ok()) return std::nullopt;
  std::string_view value;
  if (root_.at_pointer(pointer).get_string().get(value) != simdjson::SUCCESS) return std::nullopt;
  return std::string(value);
}

std::optional<std::int64_t> JsonDoc::Int(std::string_view pointer) const {
  if (!ok()) return std::nullopt;
  std::int64_t value = 0;
  if (root_.at_pointer(pointer).get_int64().get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::optional<bool> JsonDoc::Bool(std::string_view pointer) const {
  if (!ok()) return std::nullopt;
  bool value = false;
  if (root_.at_pointer(pointer).get_bool().get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

std::optional<std::size_t> JsonDoc::Size(std::string_view pointer) const {
  if (!ok()) return std::nullopt;
  simdjson::dom::element e;
  if (root_.at_pointer(pointer).get(e) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::array array;
  if (e.get_array().get(array) == simdjson::SUCCESS) return array.size();
  simdjson::dom::object object;
  if (e.get_object().get(object) == simdjson::SUCCESS) return object.size();
  return std::nullopt;
}

bool JsonDoc::Has(std::string_view pointer) const {
  if (!ok()) return false;
  simdjson::dom::element e;
  return root_.at_pointer(pointer).get(e) == simdjson::SUCCESS;
}

// ---------------------------------------------------------------------------
// HttpClient

std::string HttpReply::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.clear();
  connected_ = false;
}

StatusOr<HttpReply> HttpClient::Send(std::string_view method, std::string_view target, std::string body,
                                     const Headers& headers) {
  if (!connected_) {
    stream_.expires_after(timeout_);
    const beast::error_code ec =
        RunToCompletion(io_, [&](auto handler) { stream_.async_connect(Loopback(port_), std::move(handler)); });
    if (ec) return Status::Unavailable("connect: " + ec.message());
    connected_ = true;
  }
  beast_http::request<beast_http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(beast_http::field::host, "127.0.0.1:" + std::to_string(port_));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.keep_alive(true);
  request.prepare_payload();

  stream_.expires_after(timeout_);
  const beast::error_code write_ec = RunToCompletion(
      io_, [&](auto handler) { beast_http::async_write(stream_, request, std::move(handler)); });
  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 << 20);
  stream_.expires_after(timeout_);
  const beast::error_code read_ec = RunToCompletion(
      io_, [&](auto handler) { beast_http::async_read(stream_, buffer_, parser, std::move(handler)); });
  stream_.expires_never();
  if (read_ec) {
    Close();
    return Status::Unavailable("reading the response: " + read_ec.message() +
                               (write_ec ? " (after write error: " + write_ec.message() + ")" : ""));
  }
  auto response = parser.release();
  HttpReply reply;
  reply.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    reply.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  reply.body = std::move(response.body());
  if (!response.keep_alive() || write_ec) Close();
  return reply;
}

// ---------------------------------------------------------------------------
// WsClient

WsClient::WsClient(std::uint16_t port) : port_(port) {}

WsClient::~WsClient() { Abort(); }

void WsClient::Abort() {
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  open_ = false;
}

StatusOr<int> WsClient::Connect(std::string_view target, std::string_view bearer_token,
                                std::chrono::milliseconds timeout, int receive_buffer) {
  auto& lowest = beast::get_lowest_layer(ws_);
  if (receive_buffer > 0) {
    beast::error_code ec;
    lowest.socket().open(net::ip::tcp::v4(), ec);
    if (!ec) lowest.socket().set_option(net::socket_base::receive_buffer_size(receive_buffer), ec);
    if (ec) return Status::Unavailable("socket options: " + ec.message());
  }
  lowest.expires_after(timeout);
  beast::error_code ec =
      RunToCompletion(io_, [&](auto handler) { lowest.async_connect(Loopback(port_), std::move(handler)); });
  if (ec) return Status::Unavailable("connect: " + ec.message());

  const std::string authorization = bearer_token.empty() ? "" : "Bearer " + std::string(bearer_token);
  ws_.set_option(websocket::stream_base::decorator([authorization](websocket::request_type& request) {
    if (!authorization.empty()) request.set(beast_http::field::authorization, authorization);
  }));
  websocket::response_type response;
  const std::string host = "127.0.0.1:" + std::to_string(port_);
  lowest.expires_after(timeout);
  ec = RunToCompletion(io_, [&](auto handler) { ws_.async_handshake(response, host, target, std::move(handler)); });
  lowest.expires_never();
  if (ec == websocket::error::upgrade_declined) {
    refusal_body_ = response.body();
    Abort();
    return static_cast<int>(response.result_int());
  }
  if (ec) return Status::Unavailable("WebSocket handshake: " + ec.message());
  open_ = true;
  return static_cast<int>(response.result_int());
}

Status WsClient::Send(std::string_view text, std::chrono::milliseconds timeout) {
  if (!open_) return Status::FailedPrecondition("the WebSocket is not open");
  ws_.text(true);
  beast::get_lowest_layer(ws_).expires_after(timeout);
  const beast::error_code ec =
      RunToCompletion(io_, [&](auto handler) { ws_.async_write(net::buffer(text), std::move(handler)); });
  beast::get_lowest_layer(ws_).expires_never();
  if (ec) {
    open_ = false;
    return Status::Unavailable("WebSocket write: " + ec.message());
  }
  return Status::Ok();
}

StatusOr<std::string> WsClient::Read(std::chrono::milliseconds timeout) {
  if (!open_) return Status::FailedPrecondition("the WebSocket is not open");
  beast::get_lowest_layer(ws_).expires_after(timeout);
  const beast::error_code ec = RunToCompletion(io_, [&](auto handler) { ws_.async_read(buffer_, std::move(handler)); });
  beast::get_lowest_layer(ws_).expires_never();
  if (ec) {
    open_ = false;
    timed_out_ = ec == beast::error::timeout;
    // Set when a Close frame arrived, even if answering it then failed
    // (a server that drops the socket right after its Close frame).
    close_code_ = static_cast<int>(ws_.reason().code);
    close_reason_ = std::string(ws_.reason().reason.data(), ws_.reason().reason.size());
    return Status::Unavailable("WebSocket read: " + ec.message());
  }
  std::string text = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  return text;
}

// ---------------------------------------------------------------------------
// Signing

std::string WebSignature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_size);
  return "sha256=" + HexOf(mac, mac_size);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexOf(digest, sizeof digest);
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kDigits[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kDigits[(c >> 4) & 0xf]);
          out.push_back(kDigits[c & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace routerd::gateway_test
