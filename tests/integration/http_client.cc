#include "tests/integration/http_client.h"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace routerd::integration {
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string HttpResult::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout), io_(1), stream_(io_) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.clear();
  connected_ = false;
}

Status HttpClient::Connect() {
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(), port_);
  beast::error_code result = boost::asio::error::would_block;
  stream_.expires_after(timeout_);
  stream_.async_connect(endpoint, [&](beast::error_code ec) { result = ec; });
  io_.restart();
  io_.run();
  if (result) return Status::Unavailable("connect to 127.0.0.1:" + std::to_string(port_) + ": " + result.message());
  connected_ = true;
  ++connections_opened_;
  return Status::Ok();
}

StatusOr<HttpResult> HttpClient::Send(std::string_view method, std::string_view target, std::string body,
                                      const Headers& headers) {
  if (!connected_) ROUTERD_RETURN_IF_ERROR(Connect());

  beast_http::request<beast_http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(beast_http::field::host, "127.0.0.1:" + std::to_string(port_));
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.keep_alive(true);
  request.prepare_payload();

  // A write error is not final: a server that refuses the request early (413)
  // may close while the body is still being sent, and its answer is what the
  // test wants to see.
  beast::error_code write_ec = boost::asio::error::would_block;
  stream_.expires_after(timeout_);
  beast_http::async_write(stream_, request, [&](beast::error_code ec, std::size_t) { write_ec = ec; });
  io_.restart();
  io_.run();

  beast_http::response_parser<beast_http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code read_ec = boost::asio::error::would_block;
  stream_.expires_after(timeout_);
  beast_http::async_read(stream_, buffer_, parser, [&](beast::error_code ec, std::size_t) { read_ec = ec; });
  io_.restart();
  io_.run();
  if (read_ec) {
    Close();
    std::string why = "reading the response: " + read_ec.message();
    if (write_ec) why += " (after write error: " + write_ec.message() + ")";
    return Status::Unavailable(std::move(why));
  }

  auto response = parser.release();
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  result.keep_alive = response.keep_alive();
  for (const auto& field : response) {
    result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  result.body = std::move(response.body());
  if (!result.keep_alive || write_ec) Close();
  return result;
}

}  // namespace routerd::integration
