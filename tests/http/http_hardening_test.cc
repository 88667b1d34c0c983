// The HTTP server under hostile or failing conditions, over real loopback
// sockets: ambiguous Transfer-Encoding (request smuggling), handlers that
// throw, the connection limit, and running out of file descriptors.
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
using test_support::Eventually;
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

TEST(HttpHardeningTest, ConnectionsBeyondTheLimitAreAnswered503AndClosed) {
  TestHandler handler;
  HttpServerOptions options = TestOptions();
  options.max_connections = 2;
  HttpServer server(options, handler);
  ASSERT_TRUE(server.Start().ok());
  // Two connections, each proven open by a served request.
  auto first = std::make_unique<RawClient>(server.port());
  RawClient second(server.port());
  for (RawClient* c : {first.get(), &second}) {
    c->Send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string out = c->ReadResponses(1);
    ASSERT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  }

  RawClient third(server.port());
  const std::string refused = third.ReadAll();
  EXPECT_TRUE(third.closed());
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << refused;
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"({"error":"overloaded","detail":"too many open connections"})"), std::string::npos)
      << refused;
  EXPECT_EQ(server.counters().refused.load(), 1u);
  EXPECT_EQ(handler.handled.load(), 2);

  // Once one closes, a new connection is served again.
  first.reset();
  ASSERT_TRUE(Eventually([&] { return server.open_connections() < 2; }));
  RawClient fourth(server.port());
  fourth.Send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string out = fourth.ReadResponses(1);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
  EXPECT_EQ(server.counters().refused.load(), 1u);
  server.Stop();
}

// Fills every free descriptor of this process, then frees some on request.
class DescriptorHog {
 public:
  DescriptorHog() {
    for (;;) {
      const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      fds_.push_back(fd);
    }
  }
  ~DescriptorHog() { Release(fds_.size()); }
  void Release(std::size_t n) {
    for (; n > 0 && !fds_.empty(); --n) {
      ::close(fds_.back());
      fds_.pop_back();
    }
  }
  std::size_t held() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
};

// A client on exactly one descriptor (no io_context), for the test below.
int ConnectPosix(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until a whole header block arrived, the peer closed, or 10 s passed.
std::string ReadPosix(int fd) {
  std::string out;
  const auto until = std::chrono::steady_clock::now() + 10s;
  char buf[4096];
  while (out.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  // The body follows the headers in the same write.
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 100) > 0) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

TEST(HttpHardeningTest, OutOfDescriptorsPausesAcceptingAndRecovers) {
#if defined(__SANITIZE_ADDRESS__)
  // The sanitizer runtimes open pipes to probe memory (UBSan's vptr check
  // among them) and report false errors when no descriptor is left.
  GTEST_SKIP() << "needs a process without sanitizers: it uses up every file descriptor";
#endif
  // A small soft limit, so filling it is cheap; restored at the end.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = std::min<rlim_t>(saved.rlim_max, 256);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &small), 0);
  {
    TestHandler handler;
    HttpServer server(TestOptions(), handler);
    ASSERT_TRUE(server.Start().ok());
    auto hog = std::make_unique<DescriptorHog>();
    ASSERT_GT(hog->held(), 0u);
    hog->Release(1);  // room for the client's own socket, none for the server's accept
    const int fd = ConnectPosix(server.port());
    ASSERT_GE(fd, 0) << "connect: " << std::strerror(errno);
    const std::string request = "GET /late HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    EXPECT_TRUE(Eventually([&] { return server.counters().accept_errors.load() >= 1; }))
        << "the server never hit the descriptor limit";
    EXPECT_EQ(handler.handled.load(), 0);

    // Descriptors come back: the waiting connection is accepted and served.
    hog.reset();
    const std::string out = ReadPosix(fd);
    ::close(fd);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200 OK\r\n")) << out;
    EXPECT_NE(out.find("/late:0"), std::string::npos) << out;
    server.Stop();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
}

}  // namespace
}  // namespace routerd::http
