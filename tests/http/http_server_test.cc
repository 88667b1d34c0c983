// The HTTP server over real loopback sockets: keep-alive, pipelining, limits,
// timeouts and graceful shutdown. The handler here only echoes; the server is
// the real one.
#include "engine/http/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/raw_client.h"

namespace routerd::http {
namespace {

using namespace std::chrono_literals;
using test_support::Eventually;
using test_support::RawClient;

class EchoHandler final : public RequestHandler {
 public:
  std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext&) override {
    handled.fetch_add(1);
    return TextResponse(HttpStatus::ok, std::string(request.target()) + ":" + std::to_string(request.body().size()));
  }
  std::atomic<int> handled{0};
};

HttpServerOptions SmallLimits() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.io_threads = 2;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  o.read_timeout = 1s;
  o.idle_timeout = 1s;
  o.shutdown_grace = 5s;
  return o;
}

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (std::size_t pos = 0; (pos = haystack.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string first = c.ReadResponses(1);
  EXPECT_NE(first.find("HTTP/1.1 200 OK"), std::string::npos) << first;
  EXPECT_NE(first.find("/a:3"), std::string::npos) << first;
  c.Send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string second = c.ReadResponses(1);
  EXPECT_NE(second.find("/b:0"), std::string::npos) << second;
  EXPECT_EQ(server.counters().connections.load(), 1u);
  EXPECT_EQ(handler.handled.load(), 2);
  server.Stop();
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = c.ReadResponses(3);
  ASSERT_EQ(Count(out, "HTTP/1.1 200 OK"), 3) << out;
  EXPECT_LT(out.find("/1:0"), out.find("/2:0"));
  EXPECT_LT(out.find("/2:0"), out.find("/3:0"));
  server.Stop();
}

TEST(HttpServerTest, OversizedBodyIs413AndTheConnectionCloses) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'a'));
  std::string out = c.ReadAll();
  EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
  EXPECT_NE(out.find("payload_too_large"), std::string::npos) << out;
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(handler.handled.load(), 0);
  server.Stop();
}

TEST(HttpServerTest, OversizedHeaderBlockIs431) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n");
  std::string out = c.ReadAll();
  EXPECT_NE(out.find("HTTP/1.1 431"), std::string::npos) << out;
  EXPECT_EQ(handler.handled.load(), 0);
  server.Stop();
}

TEST(HttpServerTest, MalformedRequestIs400) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string out = c.ReadAll();
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
  EXPECT_NE(out.find("{\"error\":\"bad_request\""), std::string::npos) << out;
  server.Stop();
}

TEST(HttpServerTest, AStalledRequestIsClosedByTheReadTimeout) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");  // 5 of 10 bytes, then nothing
  std::string out = c.ReadAll(10000ms);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(out, "");
  EXPECT_EQ(handler.handled.load(), 0);
  EXPECT_GE(server.counters().timeouts.load(), 1u);
  server.Stop();
}

TEST(HttpServerTest, AnIdleKeepAliveConnectionIsClosed) {
  EchoHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  std::string out = c.ReadAll(10000ms);
  EXPECT_TRUE(c.closed());
  // The client may see the close before the server has counted it.
  EXPECT_TRUE(Eventually([&] { return server.open_connections() == 0; }));
  server.Stop();
}

TEST(HttpServerTest, StopFinishesTheRequestInFlightAndClosesIdleConnections) {
  EchoHandler handler;
  HttpServerOptions options = SmallLimits();
  options.read_timeout = 10s;
  options.idle_timeout = 10s;
  HttpServer server(options, handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient idle(server.port());
  RawClient busy(server.port());
  busy.Send("POST /inflight HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  // Let the server read the first half before it is told to stop.
  for (int i = 0; i < 200 && server.counters().connections.load() < 2; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(50ms);
  auto stopped = std::async(std::launch::async, [&] { server.Stop(); });
  idle.ReadAll(3000ms);
  EXPECT_TRUE(idle.closed()) << "idle connections close at once";
  busy.Send("67890");
  std::string out = busy.ReadAll(5000ms);
  EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
  EXPECT_NE(out.find("/inflight:10"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  stopped.get();
  EXPECT_EQ(server.open_connections(), 0u);
}

// Answers /later from another thread, as a handler waiting on a router shard does.
class DeferringHandler final : public RequestHandler {
 public:
  std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext& ctx) override {
    if (request.target() != "/later") return TextResponse(HttpStatus::ok, "now");
    DeferredResponse later = ctx.Defer();
    workers_.emplace_back([later] {
      std::this_thread::sleep_for(20ms);
      later.Send(TextResponse(HttpStatus::accepted, "later"));
    });
    return std::nullopt;
  }
  ~DeferringHandler() override {
    for (auto& t : workers_) t.join();
  }

 private:
  std::vector<std::thread> workers_;
};

TEST(HttpServerTest, DeferredResponsesAreWrittenInOrderOnTheConnection) {
  DeferringHandler handler;
  HttpServer server(SmallLimits(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = c.ReadResponses(1);
  EXPECT_NE(first.find("HTTP/1.1 202 Accepted"), std::string::npos) << first;
  EXPECT_NE(first.find("later"), std::string::npos) << first;
  // The connection goes on after a deferred answer.
  c.Send("GET /now HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string second = c.ReadResponses(1);
  EXPECT_NE(second.find("HTTP/1.1 200 OK"), std::string::npos) << second;
  server.Stop();
}

TEST(HttpServerTest, AnAddressInUseIsAClearError) {
  EchoHandler handler;
  HttpServer first(SmallLimits(), handler);
  ASSERT_TRUE(first.Start().ok());
  HttpServerOptions o = SmallLimits();
  o.listen = "127.0.0.1:" + std::to_string(first.port());
  HttpServer second(o, handler);
  Status s = second.Start();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("cannot listen on 127.0.0.1:"), std::string::npos) << s.message();
  first.Stop();
}

}  // namespace
}  // namespace routerd::http
