// ClusterTest: the daemon of GatewayTest, plus a second front end on its own
// loopback port standing for a cluster instance: its /api/v1 and console
// handlers ask an OwnerCheck that the test sets (RouteElsewhere, RouteHere),
// and work on the daemon's shards, agent gateway and storage. Until a test
// moves a tenant, every tenant is routed here.
//
// Thread safety: the test thread only (the owner table is read under a lock
// from the front end's I/O threads).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "engine/console/console.h"
#include "engine/gateway/owner_check.h"
#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {

class ClusterTest : public GatewayTest {
 protected:
  ClusterTest();
  ~ClusterTest() override;
  // StartDaemon, then the front end.
  void StartCluster(const GatewayConfig& config = {});
  void TearDown() override;

  // From now on the tenant is routed by the instance at `url` (nullopt: by
  // none, a takeover in progress); with `after_checks`, only once that many
  // more checks of it have still answered "here" (a move that lands between
  // two checks of one request).
  void RouteElsewhere(std::string_view tenant, std::optional<std::string> url, int after_checks = 0);
  void RouteHere(std::string_view tenant);

  // A request to the front end, as GatewayTest::Api.
  HttpReply Front(std::string_view method, std::string_view target, std::string_view token, std::string body = {},
                  Headers headers = {});
  std::uint16_t front_port() const;
  console::Console& front_console();

 private:
  gateway::TenantOwner OwnerOf(std::string_view tenant);
  struct FrontEnd;
  struct Moved {
    gateway::TenantOwner owner;
    int here_for = 0;
  };

  std::mutex mu_;
  std::map<std::string, Moved, std::less<>> owners_;  // guarded by mu_; absent: here
  std::unique_ptr<FrontEnd> front_;
};

}  // namespace routerd::gateway_test
