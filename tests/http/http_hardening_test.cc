// The HTTP server under hostile or failing conditions, over real loopback
// sockets: ambiguous Transfer-Encoding (request smuggling), handlers that
// throw.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/http/http_server.h"
#include "tests/http/raw_client.h"

namespace routerd::http {
namespace {

using namespace std::chrono_literals;
using test_support::RawClient;

// Echoes the target and body size; /throw throws std::runtime_error, /oom
// std::bad_alloc, /int something that is not a std::exception.
class TestHandler final : public RequestHandler {
 public:
  std::optional<HttpResponse> Handle(HttpRequest& request, RequestContext&) override {
    handled.fetch_add(1);
    if (request.target() == "/throw") throw std::runtime_error("test handler failure");
    if (request.target() == "/oom") throw std::bad_alloc();
    if (request.target() == "/int") throw 42;
    return TextResponse(HttpStatus::ok, std::string(request.target()) + ":" + std::to_string(request.body().size()));
  }
  std::atomic<int> handled{0};
};

HttpServerOptions TestOptions() {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.io_threads = 2;
  o.max_body_bytes = 1024;
  o.max_header_bytes = 2048;
  o.read_timeout = 5s;
  o.idle_timeout = 5s;
  o.shutdown_grace = 5s;
  return o;
}

// Polls `done` for up to 5 s (a slow machine only makes the test slower).
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

// The smuggling shape: the server must not take the bytes after the header
// block as a second request.
void ExpectRefusedWithoutSmuggling(std::string_view transfer_encoding_lines, std::string_view detail) {
  TestHandler handler;
  HttpServer server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  const std::string smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  c.Send("POST /outer HTTP/1.1\r\nHost: x\r\n" + std::string(transfer_encoding_lines) + "\r\n" + smuggled);
  const std::string out = c.ReadAll();
  EXPECT_TRUE(out.starts_with("HTTP/1.1 400 Bad Request\r\n")) << out;
  EXPECT_NE(out.find(detail), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(out.find("/smuggled"), std::string::npos) << out;
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(handler.handled.load(), 0);
  EXPECT_EQ(server.counters().malformed.load(), 1u);
  server.Stop();
}

TEST(HttpHardeningTest, AnUnknownTransferCodingIs400AndCloses) {
  ExpectRefusedWithoutSmuggling("Transfer-Encoding: xchunked\r\n",
                                R"("detail":"unsupported Transfer-Encoding: only \"chunked\" is accepted")");
}

TEST(HttpHardeningTest, ChunkedNotLastIs400AndCloses) {
  ExpectRefusedWithoutSmuggling("Transfer-Encoding: chunked, identity\r\n",
                                R"("detail":"unsupported Transfer-Encoding: only \"chunked\" is accepted")");
}

TEST(HttpHardeningTest, TwoTransferEncodingFieldsAre400AndClose) {
  // Beast's parser refuses this one itself.
  ExpectRefusedWithoutSmuggling("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
                                R"("detail":"malformed HTTP request")");
}

TEST(HttpHardeningTest, PlainChunkedIsStillAccepted) {
  TestHandler handler;
  HttpServer server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());
  RawClient c(server.port());
  c.Send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  const std::string out = c.ReadResponses(1);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("/chunked:3"), std::string::npos) << out;
  server.Stop();
}

TEST(HttpHardeningTest, AThrowingHandlerGets500AndTheServerGoesOn) {
  TestHandler handler;
  HttpServer server(TestOptions(), handler);
  ASSERT_TRUE(server.Start().ok());
  for (std::string_view target : {"/throw", "/oom", "/int"}) {
    RawClient c(server.port());
    c.Send("GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string out = c.ReadAll();
    EXPECT_TRUE(out.starts_with("HTTP/1.1 500 Internal Server Error\r\n")) << target << ": " << out;
    EXPECT_NE(out.find(R"({"error":"internal","detail":"the request could not be handled"})"), std::string::npos)
        << out;
    EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
    EXPECT_TRUE(c.closed()) << target;
  }
  EXPECT_EQ(server.counters().handler_errors.load(), 3u);

  // The process and the server are still there: the next request is served.
  RawClient after(server.port());
  after.Send("GET /fine HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string out = after.ReadResponses(1);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_NE(out.find("/fine:0"), std::string::npos) << out;
  server.Stop();
}

}  // namespace
}  // namespace routerd::http
