#include "bench/loadgen/http_response.h"

#include <gtest/gtest.h>

namespace routerd::loadgen {
namespace {

using R = HttpResponseHead::Result;

TEST(HttpResponseTest, ContentLengthResponse) {
  const std::string r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nsuccess";
  HttpResponseHead h = ParseHttpResponse(r);
  EXPECT_EQ(h.result, R::kComplete);
  EXPECT_EQ(h.status, 200);
  EXPECT_TRUE(h.keep_alive);
  EXPECT_EQ(h.size, r.size());
}

TEST(HttpResponseTest, NeedsMoreUntilHeaderAndBodyAreComplete) {
  const std::string r = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 5\r\n\r\nnope!";
  for (std::size_t n = 0; n < r.size(); ++n) {
    ASSERT_EQ(ParseHttpResponse(std::string_view(r).substr(0, n)).result, R::kNeedMore) << n;
  }
  HttpResponseHead h = ParseHttpResponse(r);
  EXPECT_EQ(h.result, R::kComplete);
  EXPECT_EQ(h.status, 401);
}

TEST(HttpResponseTest, SizeExcludesBytesOfTheNextResponse) {
  const std::string one = "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n";
  HttpResponseHead h = ParseHttpResponse(one + "HTTP/1.1 200 OK\r\n");
  EXPECT_EQ(h.result, R::kComplete);
  EXPECT_EQ(h.status, 204);
  EXPECT_EQ(h.size, one.size());
}

TEST(HttpResponseTest, ConnectionCloseAndHttp10) {
  HttpResponseHead close = ParseHttpResponse("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(close.result, R::kComplete);
  EXPECT_EQ(close.status, 503);
  EXPECT_FALSE(close.keep_alive);
  EXPECT_FALSE(ParseHttpResponse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive);
  EXPECT_TRUE(ParseHttpResponse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").keep_alive);
}

TEST(HttpResponseTest, ChunkedBody) {
  const std::string r = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n";
  HttpResponseHead h = ParseHttpResponse(r);
  EXPECT_EQ(h.result, R::kComplete);
  EXPECT_EQ(h.size, r.size());
  EXPECT_EQ(ParseHttpResponse(r.substr(0, r.size() - 2)).result, R::kNeedMore);
  const std::string trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n";
  EXPECT_EQ(ParseHttpResponse(trailers).size, trailers.size());
}

TEST(HttpResponseTest, Errors) {
  EXPECT_EQ(ParseHttpResponse("HTTX/1.1 200 OK\r\n\r\n").result, R::kError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n").result, R::kError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n").result, R::kError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n").result, R::kError);
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n").result, R::kError);  // undelimited body
  EXPECT_EQ(ParseHttpResponse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").result, R::kError);
  EXPECT_EQ(ParseHttpResponse(std::string(70000, 'a')).result, R::kError);
}

}  // namespace
}  // namespace routerd::loadgen
