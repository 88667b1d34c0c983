// HttpSession: one client connection of the HttpServer. See http_server.h.
//
// Thread safety: runs on the one thread of its io_context; Shutdown() may be
// called from any thread (it posts there).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "engine/http/http_message.h"
#include "engine/http/http_server.h"
#include "engine/http/request_handler.h"

namespace routerd::http {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Socket = IoSocket;
  HttpSession(Socket&& socket, HttpServer& server, std::uint64_t id);
  ~HttpSession();

  void Start();
  // Writes a response that was deferred (see RequestContext); on any thread.
  void SendDeferred(HttpResponse&& response, bool keep_alive);
  Socket ReleaseSocket();
  // The request being handled failed to authenticate in a way its status
  // (not 401) does not say; counted when its answer is written.
  void NoteFailedAuthentication() { auth_failed_ = true; }
  // Counts a failed authentication of this client later, from any thread
  // (a WebSocket that authenticates in its first frame).
  std::function<void()> FailedAuthenticationReporter();
  // Server shutdown: close now if idle, else after the response in progress.
  void Shutdown();

 private:
  void WaitForRequest();
  void OnFirstBytes(boost::beast::error_code ec, std::size_t n);
  void ReadRequest();
  void OnHeader(boost::beast::error_code ec);
  // Answers from the header alone, without reading the body.
  void RefuseBeforeBody(HttpResponse&& response);
  // Reads the body of an admitted request, after a 100 Continue if asked.
  void ReadBody(bool send_continue);
  void OnRead(boost::beast::error_code ec, std::size_t n);
  // Answers a request whose header or body could not be read (400, 413, 431),
  // or closes on a timeout or a peer gone; true when it did either.
  bool EndedByReadError(boost::beast::error_code ec);
  void Respond(HttpResponse&& response, bool keep_alive);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, std::size_t n);
  void Close();
  // Close after an answer sent while the body was still unread.
  void DrainAndClose();
  void OnDrain(boost::beast::error_code ec, std::size_t n);

  // A concrete executor type: Beast's tcp_stream carries a type-erased one,
  // whose copies showed up in the ingest profile.
  using Stream = boost::beast::basic_stream<boost::asio::ip::tcp, boost::asio::io_context::executor_type,
                                            boost::beast::unlimited_rate_policy>;
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // The body limit of the request being read (RequestHandler::AdmitBody).
  std::size_t body_limit_ = 0;
  // The request was answered from its header; its body may still be arriving.
  bool unread_body_ = false;
  std::size_t drained_ = 0;  // bytes discarded by DrainAndClose
  // The response being written, serialized by hand into a buffer whose
  // capacity the connection reuses: Beast's generic serializer showed up in
  // the ingest profile, and a response is a few short headers and a body.
  std::string out_;
  HttpServer& server_;
  const std::uint64_t id_;
  // The client's address, for its budget of failed authentications.
  boost::asio::ip::address peer_;
  bool auth_failed_ = false;  // see NoteFailedAuthentication
  bool idle_ = false;  // waiting for the first byte of a request
  bool closing_ = false;
};

}  // namespace routerd::http
