// Per-route body limits decided from the header (RequestHandler::AdmitBody),
// over real loopback sockets: a refusal or a 413 is answered while the body
// is still unsent, a route may take more than the default, a client waiting
// for 100 Continue gets it only when its body is wanted, and a failing
// AdmitBody is a 500 that ends nothing else.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>

#include "engine/http/http_server.h"
#include "tests/http/raw_client.h"

namespace routerd::http {
namespace {

using namespace std::chrono_literals;
using test_support::RawClient;

// /locked: 401 from the header alone; /small takes 8 bytes, /upload 4096,
// /fail throws; everything else the default. Handle echoes target and size.
class RouteLimitHandler final : public RequestHandler {
 public:
  BodyPermit AdmitBody(const HttpRequest& head, std::size_t default_limit) override {
    admitted.fetch_add(1);
    const std::string_view target = head.target();
    if (target == "/locked") return BodyPermit::Refuse(JsonError(HttpStatus::unauthorized, "unauthorized", "no token"));
    if (target == "/small") return BodyPermit::Allow(8);
    if (target == "/upload") return BodyPermit::Allow(4096);
    if (target == "/fail") throw std::runtime_error("admission failure");
    return BodyPermit::Allow(default_limit);
  }
  std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext&) override {
    handled.fetch_add(1);
    return TextResponse(HttpStatus::ok, std::string(request.target()) + ":" + std::to_string(request.body().size()));
  }
  std::atomic<int> admitted{0};
  std::atomic<int> handled{0};
};

HttpServerOptions Options() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.io_threads = 1;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  // Long enough that an answer that waited for the unsent body would come
  // only after the read deadline of RawClient (5 s), and without the status.
  o.read_timeout = 30s;
  o.idle_timeout = 30s;
  o.shutdown_grace = 5s;
  return o;
}

TEST(BodyAdmissionTest, ARefusalIsAnsweredBeforeTheBodyIsSentAndTheConnectionCloses) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  // Ten megabytes announced, none sent.
  c.Send("POST /locked HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n");
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 401 Unauthorized\r\n")) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(handler.handled.load(), 0);
  server.Stop();
}

TEST(BodyAdmissionTest, ARefusalOfARequestWithoutABodyKeepsTheConnection) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("GET /locked HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string refused = c.ReadResponses(1);
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 401 Unauthorized\r\n")) << refused;
  c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string next = c.ReadResponses(1);
  EXPECT_NE(next.find("/after:0"), std::string::npos) << next;
  EXPECT_EQ(server.counters().connections.load(), 1u);
  server.Stop();
}

TEST(BodyAdmissionTest, AClientThatSendsItsBodyAnywayStillReadsTheRefusal) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  // Header and 1 MB of body in one go, as a client that does not wait for
  // 100 Continue sends them: the server discards the body after answering
  // instead of resetting the connection under the answer.
  c.Send("POST /locked HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + std::string(1000000, 'b'));
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 401 Unauthorized\r\n")) << out;
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(handler.handled.load(), 0);
  server.Stop();
}

TEST(BodyAdmissionTest, AContentLengthOverTheRouteLimitIs413BeforeTheBodyIsSent) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n");
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << out;
  EXPECT_NE(out.find(R"({"error":"payload_too_large","detail":"the body exceeds 8 bytes"})"), std::string::npos) << out;
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(handler.handled.load(), 0);
  EXPECT_EQ(server.counters().malformed.load(), 1u);
  server.Stop();
}

TEST(BodyAdmissionTest, AChunkedBodyIsHeldToTheRouteLimitAsItArrives) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  {
    RawClient c(server.port());
    c.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n0\r\n\r\n");
    const std::string out = c.ReadResponses(1);
    EXPECT_NE(out.find("/small:8"), std::string::npos) << out;
  }
  RawClient c(server.port());
  c.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n4\r\n6789\r\n");
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << out;
  EXPECT_EQ(handler.handled.load(), 1);
  server.Stop();
}

TEST(BodyAdmissionTest, ARouteMayTakeMoreThanTheDefaultAndOthersKeepIt) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n" + std::string(3000, 'u'));
  std::string out = c.ReadResponses(1);
  EXPECT_NE(out.find("/upload:3000"), std::string::npos) << out;
  RawClient d(server.port());
  d.Send("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n");
  out = d.ReadAll();
  EXPECT_NE(out.find("the body exceeds 1024 bytes"), std::string::npos) << out;
  server.Stop();
}

TEST(BodyAdmissionTest, A100ContinueIsSentOnlyWhenTheBodyIsWanted) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  const std::string interim = c.ReadResponses(1);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(handler.handled.load(), 0);
  c.Send("abc");
  const std::string final_answer = c.ReadResponses(1);
  EXPECT_TRUE(final_answer.starts_with("HTTP/1.1 200 OK\r\n")) << final_answer;
  EXPECT_NE(final_answer.find("/upload:3"), std::string::npos) << final_answer;

  // Refused: the final answer, never a 100 Continue.
  RawClient d(server.port());
  d.Send("POST /locked HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  const std::string refused = d.ReadAll();
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 401 Unauthorized\r\n")) << refused;
  EXPECT_EQ(refused.find("100 Continue"), std::string::npos) << refused;
  server.Stop();
}

TEST(BodyAdmissionTest, AFailingAdmissionIs500AndTheServerGoesOn) {
  RouteLimitHandler handler;
  HttpServer server(Options(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /fail HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 500 Internal Server Error\r\n")) << out;
  EXPECT_EQ(server.counters().handler_errors.load(), 1u);
  RawClient d(server.port());
  d.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(d.ReadResponses(1).find("/after:0"), std::string::npos);
  server.Stop();
}

}  // namespace
}  // namespace routerd::http
