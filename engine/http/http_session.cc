#include "engine/http/http_session.h"

#include <exception>
#include <iterator>
#include <new>

#include <boost/asio/post.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/asio/write.hpp>

#include "routerd/clock.h"

namespace routerd::http {
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

namespace {
// Bytes read while waiting for a request to start.
constexpr std::size_t kFirstRead = 4096;

// The failed-authentication budget's clock (AuthFailureGuard takes steady milliseconds).
std::int64_t MonotonicMs() { return SystemClock().NowNs() / 1'000'000; }

// RFC 9112 6.1 and 6.3: a request's Transfer-Encoding must end in chunked, or
// its length cannot be known. The parser takes any other value as "no body"
// (Beast reads a body only when chunked is the last coding), so what the
// client meant as the body would be parsed as the next request: smuggling.
// No coding but chunked is supported, so the one acceptable value is exactly
// "chunked", given once.
bool TransferEncodingAcceptable(const HttpRequest& request) {
  auto [first, last] = request.equal_range(beast_http::field::transfer_encoding);
  if (first == last) return true;
  if (std::next(first) != last) return false;
  std::string_view value = first->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return beast::iequals(value, "chunked");
}
}  // namespace

HttpSession::HttpSession(Socket&& socket, HttpServer& server, std::uint64_t id)
    // The buffer holds the header block and pipelined bytes; bodies go to the
    // parser. Its cap bounds what a client can queue up.
    : stream_(std::move(socket)),
      buffer_(server.options_.max_header_bytes + 64 * 1024),
      server_(server),
      id_(id) {
  boost::system::error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ = endpoint.address();
}

std::function<void()> HttpSession::FailedAuthenticationReporter() {
  // The guard, not the server: the reporter may outlive the server.
  return [guard = server_.auth_guard_, peer = peer_] { guard->RecordFailure(peer, MonotonicMs()); };
}

HttpSession::~HttpSession() { server_.Unregister(id_); }

void HttpSession::Start() {
  // Accepted straight onto its thread's io_context: already on the right thread.
  WaitForRequest();
}

void HttpSession::Shutdown() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->idle_) self->stream_.cancel();  // OnFirstBytes sees operation_aborted and closes
  });
}

void HttpSession::WaitForRequest() {
  if (closing_ || server_.stopping()) return Close();
  if (buffer_.size() > 0) return ReadRequest();  // a pipelined request is already here
  idle_ = true;
  stream_.expires_after(server_.options_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstRead),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->OnFirstBytes(ec, n);
                          });
}

void HttpSession::OnFirstBytes(beast::error_code ec, std::size_t n) {
  idle_ = false;
  if (ec == beast::error::timeout) server_.counters_.timeouts.fetch_add(1, std::memory_order_relaxed);
  if (ec) return Close();  // idle timeout, peer closed, or shutdown
  buffer_.commit(n);
  ReadRequest();
}

void HttpSession::ReadRequest() {
  parser_.emplace();
  // The header first: the route's body limit is known only once it is read
  // (AdmitBody), and the Content-Length check is made then, against it.
  parser_->body_limit(boost::none);
  parser_->header_limit(static_cast<std::uint32_t>(server_.options_.max_header_bytes));
  // The whole request must arrive within the read timeout, however it trickles in.
  stream_.expires_after(server_.options_.read_timeout);
  beast_http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->OnHeader(ec);
  });
}

bool HttpSession::EndedByReadError(beast::error_code ec) {
  if (!ec) return false;
  if (ec == beast::error::timeout) {
    server_.counters_.timeouts.fetch_add(1, std::memory_order_relaxed);
    Close();
    return true;
  }
  if (ec == beast_http::error::end_of_stream || ec == boost::asio::error::operation_aborted ||
      ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof) {
    Close();
    return true;
  }
  server_.counters_.malformed.fetch_add(1, std::memory_order_relaxed);
  if (ec == beast_http::error::body_limit) {
    Respond(JsonError(HttpStatus::payload_too_large, "payload_too_large",
                      "the body exceeds " + std::to_string(body_limit_) + " bytes"),
            false);
  } else if (ec == beast_http::error::header_limit) {
    Respond(JsonError(HttpStatus::request_header_fields_too_large, "headers_too_large",
                      "the header block exceeds " + std::to_string(server_.options_.max_header_bytes) + " bytes"),
            false);
  } else {
    Respond(JsonError(HttpStatus::bad_request, "bad_request", "malformed HTTP request"), false);
  }
  return true;
}

void HttpSession::OnHeader(beast::error_code ec) {
  if (EndedByReadError(ec)) return;
  const HttpRequest& head = parser_->get();
  if (!TransferEncodingAcceptable(head)) {
    server_.counters_.malformed.fetch_add(1, std::memory_order_relaxed);
    return Respond(JsonError(HttpStatus::bad_request, "bad_request",
                             "unsupported Transfer-Encoding: only \"chunked\" is accepted"),
                   false);
  }
  if (const std::int64_t retry_after = server_.auth_guard_->Check(peer_, MonotonicMs())) {
    HttpResponse refusal = JsonError(HttpStatus::too_many_requests, "too_many_failed_authentications",
                                     "too many failed authentications from this address; retry in " +
                                         std::to_string(retry_after) + " s");
    refusal.set(beast_http::field::retry_after, std::to_string(retry_after));
    return RefuseBeforeBody(std::move(refusal));
  }
  std::optional<BodyPermit> permit;
  try {
    permit = server_.handler_.AdmitBody(head, server_.options_.max_body_bytes);
  } catch (const std::exception& e) {
    server_.HandlerFailed(e.what());
  } catch (...) {
    server_.HandlerFailed("a non-standard exception");
  }
  if (!permit) {
    return Respond(JsonError(HttpStatus::internal_server_error, "internal", "the request could not be handled"),
                   false);
  }
  if (permit->refusal) return RefuseBeforeBody(std::move(*permit->refusal));
  const boost::optional<std::uint64_t> length = parser_->content_length();
  unread_body_ = parser_->chunked() || (length && *length > 0);
  body_limit_ = permit->limit;
  if (length && *length > body_limit_) return (void)EndedByReadError(beast_http::error::body_limit);
  parser_->body_limit(body_limit_);
  // RFC 9110 10.1.1: a client that waits for 100 Continue gets it once the
  // body is wanted; one refused above got its final answer instead.
  const bool send_continue = unread_body_ && beast::iequals(head[beast_http::field::expect], "100-continue");
  unread_body_ = false;  // it is read now, or its reading fails and closes
  ReadBody(send_continue);
}

void HttpSession::RefuseBeforeBody(HttpResponse&& response) {
  const boost::optional<std::uint64_t> length = parser_->content_length();
  unread_body_ = parser_->chunked() || (length && *length > 0);
  // Without a body the connection stays usable; with one still unread it
  // cannot be told from the next request, so it closes (after a drain).
  Respond(std::move(response), !unread_body_ && parser_->get().keep_alive() && !closing_ && !server_.stopping());
}

void HttpSession::ReadBody(bool send_continue) {
  if (send_continue) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec) return self->Close();
                               self->ReadBody(false);
                             });
    return;
  }
  beast_http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnRead(ec, n); });
}

void HttpSession::OnRead(beast::error_code ec, std::size_t) {
  if (EndedByReadError(ec)) return;
  server_.counters_.requests.fetch_add(1, std::memory_order_relaxed);
  HttpRequest request = parser_->release();
  const bool keep_alive = request.keep_alive() && !closing_ && !server_.stopping();
  RequestContext ctx(*this, keep_alive);
  std::optional<HttpResponse> response;
  // One failing request must not end the process: it gets 500 and its
  // connection closes (the handler may have left it in any state).
  bool failed = false;
  try {
    response = server_.handler_.Handle(request, ctx);
  } catch (const std::bad_alloc&) {
    failed = true;
    server_.HandlerFailed("out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    failed = true;
    server_.HandlerFailed(e.what());
  } catch (...) {
    failed = true;
    server_.HandlerFailed("a non-standard exception");
  }
  if (failed) {
    // A taken socket belongs to its new owner; a deferred answer may still
    // come from whoever holds it (if nobody does, this session ends and
    // the connection closes).
    if (ctx.socket_taken() || ctx.deferred()) return;
    return Respond(JsonError(HttpStatus::internal_server_error, "internal", "the request could not be handled"),
                   false);
  }
  if (response) return Respond(std::move(*response), keep_alive);
  if (ctx.socket_taken() || ctx.deferred()) return;  // upgraded, or answered later
  Respond(JsonError(HttpStatus::internal_server_error, "internal", "the request was not answered"), false);
}

void HttpSession::SendDeferred(HttpResponse&& response, bool keep_alive) {
  boost::asio::post(stream_.get_executor(),
                    [self = shared_from_this(), response = std::move(response), keep_alive]() mutable {
                      self->Respond(std::move(response), keep_alive && !self->closing_ && !self->server_.stopping());
                    });
}

HttpSession::Socket HttpSession::ReleaseSocket() {
  stream_.expires_never();
  return stream_.release_socket();
}

void DeferredResponse::Send(HttpResponse&& response) const { session_->SendDeferred(std::move(response), keep_alive_); }

DeferredResponse RequestContext::Defer() {
  deferred_ = true;
  return DeferredResponse(session_.shared_from_this(), keep_alive_);
}

void RequestContext::NoteFailedAuthentication() { session_.NoteFailedAuthentication(); }

std::function<void()> RequestContext::FailedAuthenticationReporter() { return session_.FailedAuthenticationReporter(); }

IoSocket RequestContext::TakeSocket() {
  socket_taken_ = true;
  return session_.ReleaseSocket();
}

void HttpSession::Respond(HttpResponse&& response, bool keep_alive) {
  if (response.result() == HttpStatus::unauthorized || auth_failed_) {
    server_.auth_guard_->RecordFailure(peer_, MonotonicMs());
  }
  auth_failed_ = false;
  response.keep_alive(keep_alive);
  response.prepare_payload();
  out_.clear();
  out_ += "HTTP/1.1 ";
  out_ += std::to_string(response.result_int());
  out_ += ' ';
  out_ += response.reason();
  out_ += "\r\n";
  for (const auto& field : response) {
    out_ += field.name_string();
    out_ += ": ";
    out_ += field.value();
    out_ += "\r\n";
  }
  out_ += "\r\n";
  out_ += response.body();
  stream_.expires_after(server_.options_.read_timeout);  // a client that stops reading is closed too
  boost::asio::async_write(stream_, boost::asio::buffer(out_),
                           [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t n) {
                             self->OnWrite(keep_alive, ec, n);
                           });
}

void HttpSession::OnWrite(bool keep_alive, beast::error_code ec, std::size_t) {
  if (!ec && unread_body_) return DrainAndClose();
  if (ec || !keep_alive) return Close();
  WaitForRequest();
}

void HttpSession::DrainAndClose() {
  // Answered before its body was read: closing now, with the body still
  // arriving, would reset the connection and could destroy the answer before
  // the client read it. Half-close, then read and discard for a while.
  constexpr auto kMaxDrainTime = std::chrono::seconds(2);
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  unread_body_ = false;
  stream_.expires_after(kMaxDrainTime);
  drained_ = 0;
  OnDrain({}, 0);
}

void HttpSession::OnDrain(beast::error_code ec, std::size_t n) {
  constexpr std::size_t kMaxDrainBytes = 4 << 20;
  drained_ += n;
  buffer_.clear();
  if (ec || drained_ > kMaxDrainBytes) return Close();
  stream_.async_read_some(buffer_.prepare(16 << 10), [self = shared_from_this()](beast::error_code e, std::size_t got) {
    self->OnDrain(e, got);
  });
}

void HttpSession::Close() {
  if (!stream_.socket().is_open()) return;
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

}  // namespace routerd::http
