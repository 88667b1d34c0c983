// Request bodies the real daemon refuses from their header alone, with the
// body announced and never sent: a 10 MB POST to /healthz, an upload without a
// token or with an agent's, a voice file over the largest allowed, an admin
// write over the default limit, and a webhook for a channel that does not
// exist. Each is answered at once, so none of them was buffered first.
#include <gtest/gtest.h>

#include <string>

#include "tests/gateway/gateway_fixture.h"
#include "tests/http/raw_client.h"

namespace routerd::gateway_test {
namespace {

using http::test_support::RawClient;

class BodyAdmissionTest : public GatewayTest {
 protected:
  // Sends the request line and header (announcing `length` body bytes, none
  // sent) and returns all the daemon answered before it closed.
  std::string HeaderOnly(std::string_view method, std::string_view target, std::string_view token,
                         std::size_t length) {
    RawClient c(port());
    std::string head = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: x\r\n";
    if (!token.empty()) head += "Authorization: Bearer " + std::string(token) + "\r\n";
    head += "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
    c.Send(head);
    std::string out = c.ReadAll();
    EXPECT_TRUE(c.closed()) << "the connection stayed open: " << out;
    return out;
  }
};

TEST_F(BodyAdmissionTest, BodiesAreRefusedFromTheHeaderBeforeAnyIsRead) {
  StartDaemon();
  constexpr std::size_t kTenMegabytes = 10 << 20;
  std::string out = HeaderOnly("POST", "/healthz", "", kTenMegabytes);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 405 Method Not Allowed\r\n")) << out;

  out = HeaderOnly("POST", "/api/v1/messages", "", kTenMegabytes);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 401 Unauthorized\r\n")) << out;
  EXPECT_NE(out.find("WWW-Authenticate: Bearer"), std::string::npos) << out;

  out = HeaderOnly("POST", "/api/v1/messages", kA1Token, kTenMegabytes);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 403 Forbidden\r\n")) << out;
  EXPECT_NE(out.find("needs a tenant_admin token"), std::string::npos) << out;

  // The voice limit is max_voice_bytes (20 MiB by default) plus 64 KiB of envelope.
  out = HeaderOnly("POST", "/api/v1/messages", kAcmeAdmin, (20u << 20) + (64u << 10) + 1);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << out;
  EXPECT_NE(out.find("the body exceeds 21037056 bytes"), std::string::npos) << out;

  // Every other API route keeps max_body_bytes (1 MiB by default).
  out = HeaderOnly("POST", "/api/v1/sessions/1/close", kAcmeAdmin, 1'500'000);
  EXPECT_NE(out.find("the body exceeds 1048576 bytes"), std::string::npos) << out;

  out = HeaderOnly("POST", "/webhooks/web/no-such-channel", "", kTenMegabytes);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 404 Not Found\r\n")) << out;
  out = HeaderOnly("POST", "/no/such/path", "", kTenMegabytes);
  EXPECT_TRUE(out.starts_with("HTTP/1.1 404 Not Found\r\n")) << out;

  // The daemon is still there, for everyone.
  EXPECT_EQ(Api("GET", "/healthz", "").status, 200);
}

}  // namespace
}  // namespace routerd::gateway_test
