// Cluster mode in the console: its API answers 307/503 for a tenant that
// another instance routes, but the session (which says where the tenant is
// routed, for the page to go there) and the pages are served by any
// instance; a wallboard of such a tenant is closed with 4004 and the owner's
// URL, and so are open ones when the tenant moves away.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/gateway/cluster_fixture.h"

namespace routerd::gateway_test {
namespace {

using ::testing::HasSubstr;

using ConsoleOwnerTest = ClusterTest;

constexpr std::string_view kOwner = "https://routerd-2.example:8443";

// A wallboard connection to the front end that sent its auth frame.
std::unique_ptr<WsClient> Wallboard(std::uint16_t port, std::string_view token) {
  auto ws = std::make_unique<WsClient>(port);
  StatusOr<int> status = ws->Connect("/console/api/wallboard", "", kWait);
  EXPECT_TRUE(status.ok() && *status == 101) << (status.ok() ? std::to_string(*status) : status.status().ToString());
  EXPECT_TRUE(ws->Send(R"({"type":"auth","token":)" + JsonQuote(token) + "}", kWait).ok());
  return ws;
}

// Reads until the server closes (failing after kWait, heartbeats or not);
// how many frames came first.
int FramesUntilClosed(WsClient& ws) {
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  int frames = 0;
  while (std::chrono::steady_clock::now() < deadline && ws.Read(kWait).ok()) ++frames;
  EXPECT_FALSE(ws.open() || ws.timed_out()) << "the wallboard stayed open";
  return frames;
}

TEST_F(ConsoleOwnerTest, ApiOfATenantRoutedElsewhereIs307ButSessionAndPagesAreServed) {
  StartCluster();
  RouteElsewhere("acme", std::string(kOwner));
  HttpReply agents = Front("GET", "/console/api/agents?for=allocate", kAcmeAdmin);
  EXPECT_EQ(agents.status, 307) << agents.body;
  EXPECT_EQ(agents.Header("Location"), std::string(kOwner) + "/console/api/agents?for=allocate");
  EXPECT_EQ(agents.Header("Cache-Control"), "no-store");
  EXPECT_EQ(agents.Json().Str("/owner"), kOwner) << agents.body;

  HttpReply session = Front("GET", "/console/api/session", kAcmeAdmin);
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(session.Json().Bool("/routed_here"), false) << session.body;
  EXPECT_EQ(session.Json().Str("/owner"), kOwner) << session.body;
  EXPECT_EQ(session.Json().Str("/tenant"), "acme");
  JsonDoc here = Front("GET", "/console/api/session", kGlobexAdmin).Json();
  EXPECT_EQ(here.Bool("/routed_here"), true) << here.text();
  EXPECT_THAT(here.text(), HasSubstr(R"("owner":null)"));
  EXPECT_EQ(Front("GET", "/console/api/agents", kGlobexAdmin).status, 200);

  // The pages: from any instance, whoever asks.
  EXPECT_EQ(Front("GET", "/console/", "").status, 200);
  EXPECT_EQ(Front("GET", "/console/js/api.js", kAcmeAdmin).status, 200);
  // Without a valid token: 401, no owner.
  HttpReply anonymous = Front("GET", "/console/api/agents", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.Header("Location"), "");

  // Nobody routes it: 503 for the API, the session says so.
  RouteElsewhere("acme", std::nullopt);
  HttpReply busy = Front("GET", "/console/api/agents", kAcmeAdmin);
  EXPECT_EQ(busy.status, 503) << busy.body;
  EXPECT_EQ(busy.Header("Retry-After"), "1");
  JsonDoc nobody = Front("GET", "/console/api/session", kAcmeAdmin).Json();
  EXPECT_EQ(nobody.Bool("/routed_here"), false) << nobody.text();
  EXPECT_THAT(nobody.text(), HasSubstr(R"("owner":null)"));
}

TEST_F(ConsoleOwnerTest, WallboardOfATenantRoutedElsewhereIsClosedWith4004AndTheOwnersUrl) {
  StartCluster();
  RouteElsewhere("acme", std::string(kOwner));
  auto ws = Wallboard(front_port(), kAcmeAdmin);
  EXPECT_EQ(FramesUntilClosed(*ws), 0) << "no snapshot of this instance";
  EXPECT_EQ(ws->close_code(), 4004);
  EXPECT_EQ(ws->close_reason(), kOwner);

  // A tenant routed here still gets its snapshots.
  auto globex = Wallboard(front_port(), kGlobexAdmin);
  StatusOr<std::string> snapshot = globex->Read(kWait);
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(JsonDoc::Parse(*snapshot).Str("/type"), "snapshot");
}

TEST_F(ConsoleOwnerTest, OpenWallboardsAreClosedWhenTheirTenantMovesAway) {
  StartCluster();
  auto acme = Wallboard(front_port(), kAcmeAdmin);
  auto globex = Wallboard(front_port(), kGlobexAdmin);
  for (WsClient* ws : {acme.get(), globex.get()}) {
    StatusOr<std::string> first = ws->Read(kWait);
    ASSERT_TRUE(first.ok()) << first.status().ToString();  // subscribed
  }
  RouteElsewhere("acme", std::string(kOwner));
  EXPECT_EQ(front_console().CloseTenantWallboards("acme", kOwner), 1u);
  FramesUntilClosed(*acme);
  EXPECT_EQ(acme->close_code(), 4004);
  EXPECT_EQ(acme->close_reason(), kOwner);
  EXPECT_TRUE(globex->open());

  // Without a URL that fits a close reason: reconnect as usual.
  RouteHere("acme");
  auto again = Wallboard(front_port(), kAcmeAdmin);
  ASSERT_TRUE(again->Read(kWait).ok());
  EXPECT_EQ(front_console().CloseTenantWallboards("acme", "https://" + std::string(200, 'r')), 1u);
  FramesUntilClosed(*again);
  EXPECT_EQ(again->close_code(), 4004);
  EXPECT_EQ(again->close_reason(), "owner unknown: reconnect");
}

}  // namespace
}  // namespace routerd::gateway_test
