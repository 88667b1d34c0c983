// A reload in cluster mode through the real executable: two instances on one
// PostgreSQL database each reload the same change of their file (SIGHUP), an
// OU added with a cap of 1 and agent a1 moved into it. The owner of acme
// routes by it at once; when the owner is killed, the other instance takes
// acme over (Reset and restore) with the reloaded OUs and agents, not with
// those it started with. The same change made once through the provisioning
// API on the owner reaches the other instance through the database. A tenant
// added to every instance's file is claimed and routed like the others, and
// taken over from storage when its owner is killed.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/cluster/cluster_harness.h"
#include "tests/gateway/gateway_fixture.h"
#include "tests/gateway/test_clients.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::cluster_test {
namespace {

using namespace std::chrono_literals;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ClusterReloadTest : public ::testing::Test {
 protected:
  // a1's effective cap and the OU it comes from, as instance i answers once
  // it routes acme (a takeover may still be settling).
  std::pair<std::optional<std::int64_t>, std::optional<std::string>> CapOfA1(ClusterHarness& h, int i) {
    gateway_test::HttpClient http(h.port(i));
    const gateway_test::Headers admin = {{"Authorization", "Bearer " + std::string(durability::kAdminToken)}};
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
      auto reply = http.Send("GET", "/api/v1/agents/a1/state", {}, admin);
      if (reply.ok() && reply->status == 200) {
        const gateway_test::JsonDoc doc = reply->Json();
        return {doc.Int("/effective_cap"), doc.Str("/cap_origin_ou")};
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "instance " << h.id(i) << ": "
                      << (reply.ok() ? std::to_string(reply->status) + " " + reply->body : reply.status().ToString());
        return {};
      }
      std::this_thread::sleep_for(50ms);
    }
  }

  // One tenant (acme), logs at info (the tests read them).
  static durability::DurabilityConfig TwoInstances() {
    durability::DurabilityConfig base;
    base.tenants = 1;
    base.log_level = "info";
    return base;
  }
  // Both instances started and every tenant routed; `owner`: acme's.
  void StartBoth(ClusterHarness& h, int& owner) {
    const Status opened = h.Open();
    ASSERT_TRUE(opened.ok()) << opened.ToString();
    for (int i = 0; i < 2; ++i) {
      const Status started = h.Start(i);
      ASSERT_TRUE(started.ok()) << started.ToString();
    }
    const std::optional<Owners> owners = h.WaitAllOwned(30s);
    ASSERT_TRUE(owners) << h.LogTails();
    owner = h.IndexOf(owners->at("acme"));
    ASSERT_GE(owner, 0);
  }

  storage::testing::TempDir dir_;
};

TEST_F(ClusterReloadTest, EveryInstanceReloadsTheFileAndATakeoverRoutesByTheReloadedOne) {
  ClusterHarness h(dir_.path(), TwoInstances(), 2);
  int owner = -1;
  ASSERT_NO_FATAL_FAILURE(StartBoth(h, owner));
  const int other = 1 - owner;

  // The same change on both instances: OU "night" (cap 1), a1 in it.
  for (int i = 0; i < 2; ++i) {
    std::string text = ReadFile(h.config_path(i));
    const std::string desk = "[[tenants.ous]]\nid = \"desk\"\n";
    const std::string a1 = "employee_id = \"a1\"\nou = \"desk\"";
    ASSERT_NE(text.find(desk), std::string::npos);
    ASSERT_NE(text.find(a1), std::string::npos);
    text.replace(text.find(desk), desk.size(),
                 desk + "\n[[tenants.ous]]\nid = \"night\"\nmax_concurrent_sessions = 1\n");
    text.replace(text.find(a1), a1.size(), "employee_id = \"a1\"\nou = \"night\"");
    std::ofstream(h.config_path(i), std::ios::trunc) << text;
    h.process(i).Signal(SIGHUP);
  }
  for (int i = 0; i < 2; ++i) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (h.process(i).Output().find("1 OU(s) and 1 agent(s) changed") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_NE(h.process(i).Output().find("1 OU(s) and 1 agent(s) changed"), std::string::npos)
        << "instance " << h.id(i) << "\n" << h.LogTails();
  }
  EXPECT_EQ(CapOfA1(h, owner), std::make_pair(std::optional<std::int64_t>(1), std::optional<std::string>("night")));

  // The other instance takes acme over with what it reloaded.
  h.Kill(owner);
  const std::optional<Owners> after = h.WaitAllOwned(30s, h.id(owner));
  ASSERT_TRUE(after) << h.LogTails();
  ASSERT_EQ(after->at("acme"), h.id(other));
  EXPECT_EQ(CapOfA1(h, other), std::make_pair(std::optional<std::int64_t>(1), std::optional<std::string>("night")));
  if (HasFailure()) std::cout << h.LogTails();
}

TEST_F(ClusterReloadTest, ATenantAddedToEveryInstancesFileIsClaimedAndRouted) {
  ClusterHarness h(dir_.path(), TwoInstances(), 2);
  int owner = -1;
  ASSERT_NO_FATAL_FAILURE(StartBoth(h, owner));
  const int added = 2;  // "acme-2", web channel "web-chat-2"
  const std::string tenant = durability::ExtraTenant(added);

  for (int i = 0; i < 2; ++i) {
    std::ofstream(h.config_path(i), std::ios::app) << durability::ExtraTenantToml(added);
    h.process(i).Signal(SIGHUP);
  }
  for (int i = 0; i < 2; ++i) {
    const std::string line = "tenant " + tenant + " added on shard 0: 1 agent(s), 1 skill queue(s), 1 channel(s); "
                             "routed where its lease is taken";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (h.process(i).Output().find(line) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
    }
    ASSERT_NE(h.process(i).Output().find(line), std::string::npos) << "instance " << h.id(i) << "\n" << h.LogTails();
  }

  // One instance takes its lease, as it would a tenant of the start-up file.
  std::string routed_by;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (routed_by.empty() && std::chrono::steady_clock::now() < deadline) {
    const StatusOr<Owners> owners = h.ReadOwners();
    if (owners.ok() && owners->count(tenant)) routed_by = owners->at(tenant);
    if (routed_by.empty()) std::this_thread::sleep_for(50ms);
  }
  const int routing = h.IndexOf(routed_by);
  ASSERT_GE(routing, 0) << h.LogTails();
  // The lease is stored before the instance has loaded the tenant, and an
  // agent that connects in between can be let go when it does: wait until
  // the instance says it routes the tenant.
  const std::string routes = "cluster: routing tenant " + tenant + " (epoch";
  while (h.process(routing).Output().find(routes) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_NE(h.process(routing).Output().find(routes), std::string::npos) << h.LogTails();

  // Its agent signs in there, and a customer of its channel is assigned to it.
  std::unique_ptr<gateway_test::AgentConnection> a1 =
      gateway_test::ConnectReadyAgent(h.port(routing), "a1", durability::ExtraAgentToken(added));
  gateway_test::HttpClient http(h.port(routing));
  const durability::Delivery delivered = durability::Deliver(
      http, durability::WebEvent(durability::ExtraWebChannel(added), "added-1", "message", "visitor-added", "hi"));
  EXPECT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(a1->NextOfType("assigned").Str("/customer/id"), "visitor-added");

  // Its owner killed, the other instance takes it over from storage: a1, back
  // there, finds its session.
  h.Kill(routing);
  const int other = 1 - routing;
  bool taken = false;
  const auto takeover = std::chrono::steady_clock::now() + 30s;
  while (!taken && std::chrono::steady_clock::now() < takeover) {
    const StatusOr<Owners> owners = h.ReadOwners();
    taken = owners.ok() && owners->count(tenant) && owners->at(tenant) == h.id(other);
    if (!taken) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(taken) << h.LogTails();
  auto ws = std::make_unique<gateway_test::WsClient>(h.port(other));
  const StatusOr<int> opened = ws->Connect("/api/v1/agents/a1/ws", durability::ExtraAgentToken(added), 10s);
  ASSERT_TRUE(opened.ok() && *opened == 101) << (opened.ok() ? ws->refusal_body() : opened.status().ToString());
  gateway_test::AgentConnection back(std::move(ws), "a1");
  EXPECT_EQ(back.NextOfType("assigned").Str("/customer/id"), "visitor-added");
  if (HasFailure()) std::cout << h.LogTails();
}

TEST_F(ClusterReloadTest, WhatTheOwnerProvisionsHoldsOnTheInstanceThatTakesTheTenantOver) {
  ClusterHarness h(dir_.path(), TwoInstances(), 2);
  int owner = -1;
  ASSERT_NO_FATAL_FAILURE(StartBoth(h, owner));
  const int other = 1 - owner;

  const gateway_test::Headers admin = {{"Authorization", "Bearer " + std::string(durability::kAdminToken)},
                                       {"Content-Type", "application/json"}};
  auto call = [&](int i, std::string_view method, std::string_view target, std::string body,
                  const gateway_test::Headers& headers) {
    gateway_test::HttpClient http(h.port(i));
    auto reply = http.Send(std::string(method), std::string(target), std::move(body), headers);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : gateway_test::HttpReply{};
  };
  // The other instance sends the administrator to the owner.
  gateway_test::HttpReply reply = call(other, "POST", "/api/v1/ous", R"({"id":"night"})", admin);
  EXPECT_EQ(reply.status, 307) << reply.body;
  EXPECT_EQ(reply.Json().Str("/error"), "not_owner") << reply.body;

  // On the owner: OU "night" (cap 1), a1 moved into it, a9 hired with a token.
  reply = call(owner, "POST", "/api/v1/ous", R"({"id":"night","max_concurrent_sessions":1})", admin);
  ASSERT_EQ(reply.status, 201) << reply.body;
  reply = call(owner, "PUT", "/api/v1/agents/a1", R"({"ou":"night","type":"multimedia","skill_queues":["chat"]})",
               admin);
  ASSERT_EQ(reply.status, 200) << reply.body;
  reply = call(owner, "POST", "/api/v1/agents",
               R"({"employee_id":"a9","ou":"desk","type":"multimedia","skill_queues":["chat"]})", admin);
  ASSERT_EQ(reply.status, 201) << reply.body;
  reply = call(owner, "POST", "/api/v1/tokens", R"({"name":"a9-desk","role":"agent","employee_id":"a9"})", admin);
  ASSERT_EQ(reply.status, 201) << reply.body;
  const std::string a9_token = reply.Json().Str("/token").value_or("");
  EXPECT_EQ(CapOfA1(h, owner), std::make_pair(std::optional<std::int64_t>(1), std::optional<std::string>("night")));

  // The other instance applies what was stored within seconds, untold.
  const std::string applied = "stored administration applied: 0 skill queue(s), 0 channel(s), 1 OU(s) and 2 agent(s)";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (h.process(other).Output().find(applied) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_NE(h.process(other).Output().find(applied), std::string::npos) << h.LogTails();

  // It takes acme over with them: a1 under "night", a9 signing in with its token.
  h.Kill(owner);
  const std::optional<Owners> after = h.WaitAllOwned(30s, h.id(owner));
  ASSERT_TRUE(after) << h.LogTails();
  ASSERT_EQ(after->at("acme"), h.id(other));
  EXPECT_EQ(CapOfA1(h, other), std::make_pair(std::optional<std::int64_t>(1), std::optional<std::string>("night")));
  reply = call(other, "PUT", "/api/v1/agents/a9/state", R"({"state":"signed_in"})",
               {{"Authorization", "Bearer " + a9_token}, {"Content-Type", "application/json"}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  // And provisions there now: a9 leaves.
  reply = call(other, "DELETE", "/api/v1/agents/a9", "", admin);
  EXPECT_EQ(reply.status, 200) << reply.body;
  if (HasFailure()) std::cout << h.LogTails();
}

}  // namespace
}  // namespace routerd::cluster_test
