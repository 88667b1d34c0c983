// RequestHandler: request in, response out, no sockets. The HTTP session calls
// it on its I/O thread for every complete request.
//
// A handler answers in one of three ways:
//  - returns a response: written at once (the common, synchronous case);
//  - calls ctx.Defer() and returns nullopt: the answer comes later, from any
//    thread, through DeferredResponse::Send (e.g. after a router shard ran a
//    query, or a journal commit);
//  - calls ctx.TakeSocket() and returns nullopt: a protocol upgrade
//    (WebSocket) takes the connection over; the session ends without writing.
//
// Thread safety: Handle is called concurrently from all I/O threads and must
// not block.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "engine/http/http_message.h"

namespace routerd::http {

class HttpSession;
using IoSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// The answer to a deferred request. Send exactly once, from any thread.
class DeferredResponse {
 public:
  DeferredResponse(std::shared_ptr<HttpSession> session, bool keep_alive)
      : session_(std::move(session)), keep_alive_(keep_alive) {}
  void Send(HttpResponse&& response) const;

 private:
  std::shared_ptr<HttpSession> session_;
  bool keep_alive_;
};

class RequestContext {
 public:
  RequestContext(HttpSession& session, bool keep_alive) : session_(session), keep_alive_(keep_alive) {}
  DeferredResponse Defer();
  // REQUIRES: called at most once, during Handle.
  IoSocket TakeSocket();
  // The request failed to authenticate though its answer is not a 401 (a
  // webhook verification answered 403): it costs the client address one
  // failure of its budget, as every 401 does (AuthFailureGuard).
  void NoteFailedAuthentication();
  // For a failure found after the request was answered (a WebSocket that
  // authenticates in its first frame): call it then, from any thread.
  std::function<void()> FailedAuthenticationReporter();
  bool deferred() const { return deferred_; }
  bool socket_taken() const { return socket_taken_; }

 private:
  HttpSession& session_;
  bool keep_alive_;
  bool deferred_ = false;
  bool socket_taken_ = false;
};

// What a request may send as its body, decided from its request line and
// header alone, before any byte of the body is read: so that a route that
// takes no body, an unknown path or an unauthenticated upload cannot make the
// server buffer megabytes first.
struct BodyPermit {
  // The most body bytes the route takes; more is 413.
  std::size_t limit = 0;
  // Set: the answer, sent at once; the body is never read and the connection
  // closes (its unread bytes cannot be told from a next request).
  std::optional<HttpResponse> refusal;

  static BodyPermit Allow(std::size_t limit) { return BodyPermit{limit, std::nullopt}; }
  static BodyPermit Refuse(HttpResponse response) { return BodyPermit{0, std::move(response)}; }
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // `head` has its request line and header; its body is not read yet.
  // `default_limit` is the server's max_body_bytes. Called on the I/O thread
  // before Handle; must not block.
  virtual BodyPermit AdmitBody(const HttpRequest& head, std::size_t default_limit) {
    (void)head;
    return BodyPermit::Allow(default_limit);
  }
  virtual std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext& ctx) = 0;
};

}  // namespace routerd::http
