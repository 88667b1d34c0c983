// The administration repository on SQLite, with one partition and with four
// (tenants t1 and t2 then live in different files), and on PostgreSQL: the
// latest cap of each subject, the active tokens and the latest definition of
// each agent come back after reopening; the active-name rule and revocation
// are decided in the write.
#include <gtest/gtest.h>

#include <future>

#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::AllBackends;
using testing::BackendLocation;
using testing::BackendParam;
using testing::BackendTestName;

class AdministrationStoreTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  std::unique_ptr<Storage> Open() { return where_.Open(clock_); }

  static Status Save(Storage& s, std::string tenant, CapScope scope, std::string subject, std::optional<int> cap,
                     bool personal = false) {
    CapSetting c{std::move(tenant), scope, std::move(subject), cap, 0, "admin", personal};
    std::promise<Status> done;
    Status queued = s.administration().SaveCapAsync(std::move(c), [&](const Status& st) { done.set_value(st); });
    if (!queued.ok()) return queued;
    return done.get_future().get();
  }
  static StatusOr<StoredToken> Create(Storage& s, std::string tenant, std::string name, char fill) {
    StoredToken t;
    t.tenant_id = std::move(tenant);
    t.name = std::move(name);
    t.role = config::TokenConfig::Role::kAgent;
    t.employee_id = "e1";
    t.sha256 = std::string(32, fill);
    t.created_by = "admin";
    std::promise<StatusOr<StoredToken>> done;
    Status queued =
        s.administration().CreateTokenAsync(std::move(t), [&](StatusOr<StoredToken> r) { done.set_value(std::move(r)); });
    if (!queued.ok()) return queued;
    return done.get_future().get();
  }
  static Status Revoke(Storage& s, std::string tenant, std::string name) {
    std::promise<Status> done;
    Status queued = s.administration().RevokeTokenAsync(std::move(tenant), std::move(name), "admin",
                                                        [&](const Status& st) { done.set_value(st); });
    if (!queued.ok()) return queued;
    return done.get_future().get();
  }

  static Status SaveAgent(Storage& s, std::string tenant, std::string employee, std::optional<std::string> definition) {
    StoredAgent a{std::move(tenant), std::move(employee), std::move(definition), 0, "admin"};
    std::promise<Status> done;
    Status queued = s.administration().SaveAgentAsync(std::move(a), [&](const Status& st) { done.set_value(st); });
    if (!queued.ok()) return queued;
    return done.get_future().get();
  }

  BackendLocation where_{GetParam()};
  ManualClock clock_;
};

INSTANTIATE_TEST_SUITE_P(Backends, AdministrationStoreTest, AllBackends(), BackendTestName);

TEST_P(AdministrationStoreTest, TheLatestCapOfEachSubjectComesBackAfterReopening) {
  {
    auto s = Open();
    ASSERT_TRUE(Save(*s, "t1", CapScope::kAgent, "e1", 3).ok());
    ASSERT_TRUE(Save(*s, "t1", CapScope::kAgent, "e1", 7, true).ok());
    ASSERT_TRUE(Save(*s, "t1", CapScope::kOu, "e1", 2).ok()) << "an OU may share an agent's id";
    ASSERT_TRUE(Save(*s, "t2", CapScope::kAgent, "e1", std::nullopt).ok());
    ASSERT_TRUE(Save(*s, "t2", CapScope::kTenant, "", 9).ok());
    s->Stop();
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->caps.size(), 4u);
  std::map<std::string, std::optional<int>> caps;
  for (const CapSetting& c : state->caps) {
    const std::string key = c.tenant_id + "/" + std::string(CapScopeName(c.scope)) + "/" + c.subject_id;
    caps[key] = c.cap;
    EXPECT_EQ(c.set_by, "admin");
    EXPECT_EQ(c.personal, key == "t1/agent/e1") << key;
  }
  EXPECT_EQ(caps["t1/agent/e1"], 7);
  EXPECT_EQ(caps["t1/ou/e1"], 2);
  EXPECT_EQ(caps.count("t2/agent/e1"), 1u);
  EXPECT_EQ(caps["t2/agent/e1"], std::nullopt) << "a cleared cap is kept as cleared";
  EXPECT_EQ(caps["t2/tenant/"], 9);
}

TEST_P(AdministrationStoreTest, ActiveTokenNamesAreUniquePerTenantAndRevokedOnesAreNotLoaded) {
  {
    auto s = Open();
    StatusOr<StoredToken> first = Create(*s, "t1", "kiosk", 'a');
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(first->created_at_ms, clock_.WallMs()) << "stamped by the store";
    StatusOr<StoredToken> twice = Create(*s, "t1", "kiosk", 'b');
    EXPECT_EQ(twice.status().code(), StatusCode::kAlreadyExists);
    EXPECT_TRUE(Create(*s, "t2", "kiosk", 'c').ok()) << "another tenant's name";
    EXPECT_TRUE(Create(*s, "t1", "tablet", 'd').ok());
    EXPECT_TRUE(Revoke(*s, "t1", "kiosk").ok());
    EXPECT_EQ(Revoke(*s, "t1", "kiosk").code(), StatusCode::kNotFound) << "revoked already";
    EXPECT_EQ(Revoke(*s, "t1", "nobody").code(), StatusCode::kNotFound);
    EXPECT_TRUE(Create(*s, "t1", "kiosk", 'e').ok()) << "the name of a revoked token is free";
    s->Stop();
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  std::map<std::string, std::string> digests;
  for (const StoredToken& t : state->tokens) digests[t.tenant_id + "/" + t.name] = t.sha256;
  ASSERT_EQ(digests.size(), 3u);
  EXPECT_EQ(digests["t1/kiosk"], std::string(32, 'e'));
  EXPECT_EQ(digests["t1/tablet"], std::string(32, 'd'));
  EXPECT_EQ(digests["t2/kiosk"], std::string(32, 'c'));
  EXPECT_EQ(state->tokens.front().role, config::TokenConfig::Role::kAgent);
  EXPECT_EQ(state->tokens.front().employee_id, "e1");
}

TEST_P(AdministrationStoreTest, TheLatestDefinitionOfEachAgentComesBackAfterReopeningOldestFirst) {
  {
    auto s = Open();
    ASSERT_TRUE(SaveAgent(*s, "t1", "e1", "employee_id = \"e1\"\nou = \"root\"\n").ok());
    clock_.Advance(10'000'000);
    ASSERT_TRUE(SaveAgent(*s, "t2", "e1", std::nullopt).ok()) << "another tenant's agent of that id: removed";
    clock_.Advance(10'000'000);
    ASSERT_TRUE(SaveAgent(*s, "t1", "e2", "employee_id = \"e2\"\n").ok());
    clock_.Advance(10'000'000);
    ASSERT_TRUE(SaveAgent(*s, "t1", "e1", "employee_id = \"e1\"\nou = \"desk\"\n").ok()) << "replaces the first";
    s->Stop();
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->agents.size(), 3u);
  EXPECT_EQ(state->agents[0].tenant_id, "t2");
  EXPECT_FALSE(state->agents[0].definition.has_value());
  EXPECT_EQ(state->agents[1].employee_id, "e2");
  EXPECT_EQ(state->agents[2].employee_id, "e1");
  EXPECT_EQ(state->agents[2].definition, "employee_id = \"e1\"\nou = \"desk\"\n");
  EXPECT_EQ(state->agents[2].set_by, "admin");
  EXPECT_LT(state->agents[1].set_at_ms, state->agents[2].set_at_ms);
}

}  // namespace
}  // namespace routerd::storage
