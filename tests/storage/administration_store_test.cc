// The administration repository on SQLite, with one partition and with four
// (tenants t1 and t2 then live in different files), and on PostgreSQL: the
// latest cap of each subject, the active tokens and the latest definition of
// each object (an agent, an OU) come back after reopening; the active-name
// rule and revocation are decided in the write. Databases written before
// definitions of every kind shared one table (SQLite schema 7, PostgreSQL
// schema 4) keep their agents' definitions, in their order.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <future>

#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/schema.h"
#include "engine/storage/sqlite/sqlite_storage.h"
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

  static Status SaveDefinition(Storage& s, DefinitionKind kind, std::string tenant, std::string object,
                               std::optional<std::string> definition) {
    StoredDefinition d{kind, std::move(tenant), std::move(object), std::move(definition), 0, "admin"};
    std::promise<Status> done;
    Status queued = s.administration().SaveDefinitionAsync(std::move(d), [&](const Status& st) { done.set_value(st); });
    if (!queued.ok()) return queued;
    return done.get_future().get();
  }
  static Status SaveAgent(Storage& s, std::string tenant, std::string employee, std::optional<std::string> definition) {
    return SaveDefinition(s, DefinitionKind::kAgent, std::move(tenant), std::move(employee), std::move(definition));
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
  ASSERT_EQ(state->definitions.size(), 3u);
  EXPECT_EQ(state->definitions[0].tenant_id, "t2");
  EXPECT_FALSE(state->definitions[0].definition.has_value());
  EXPECT_EQ(state->definitions[1].object_id, "e2");
  EXPECT_EQ(state->definitions[2].object_id, "e1");
  EXPECT_EQ(state->definitions[2].definition, "employee_id = \"e1\"\nou = \"desk\"\n");
  EXPECT_EQ(state->definitions[2].set_by, "admin");
  EXPECT_LT(state->definitions[1].set_at_ms, state->definitions[2].set_at_ms);
  for (const StoredDefinition& d : state->definitions) EXPECT_EQ(d.kind, DefinitionKind::kAgent);
}

// All in the same millisecond: the order of the changes alone decides.
TEST_P(AdministrationStoreTest, DefinitionsOfEachKindAreKeptApartAndAChangeLoadsAsTheNewest) {
  const std::string agent_x = "employee_id = \"x\"\nou = \"x\"\n";
  {
    auto s = Open();
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kAgent, "t1", "x", "employee_id = \"x\"\n").ok());
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kOu, "t1", "x", "id = \"x\"\n").ok())
        << "an OU may share an agent's id";
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kAgent, "t1", "y", "employee_id = \"y\"\n").ok());
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kAgent, "t1", "x", agent_x).ok()) << "replaces the first";
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kOu, "t1", "x", std::nullopt).ok()) << "removes the OU";
    s->Stop();
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->definitions.size(), 3u);
  const StoredDefinition& y = state->definitions[0];
  EXPECT_EQ(y.kind, DefinitionKind::kAgent);
  EXPECT_EQ(y.object_id, "y");
  const StoredDefinition& x = state->definitions[1];
  EXPECT_EQ(x.kind, DefinitionKind::kAgent);
  EXPECT_EQ(x.object_id, "x");
  EXPECT_EQ(x.definition, agent_x) << "the agent's own change, not the OU's";
  const StoredDefinition& ou = state->definitions[2];
  EXPECT_EQ(ou.kind, DefinitionKind::kOu);
  EXPECT_EQ(ou.tenant_id, "t1");
  EXPECT_EQ(ou.object_id, "x");
  EXPECT_FALSE(ou.definition.has_value()) << "a removal is kept as removed";
  EXPECT_EQ(ou.set_by, "admin");
  EXPECT_EQ(ou.set_at_ms, clock_.WallMs());
}

TEST_P(AdministrationStoreTest, ARemovedAgentOrOuForgetsItsRunTimeCapAndNothingElse) {
  {
    auto s = Open();
    ASSERT_TRUE(Save(*s, "t1", CapScope::kAgent, "x", 4, /*personal=*/true).ok());
    ASSERT_TRUE(Save(*s, "t1", CapScope::kOu, "x", 5).ok());
    ASSERT_TRUE(Save(*s, "t1", CapScope::kOu, "y", 6).ok());
    ASSERT_TRUE(Save(*s, "t2", CapScope::kAgent, "x", 7).ok());
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kOu, "t1", "y", "id = \"y\"\n").ok()) << "a change keeps it";
    ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kAgent, "t1", "x", std::nullopt).ok());
    s->Stop();
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  std::vector<std::string> caps;
  for (const CapSetting& c : state->caps) {
    caps.push_back(c.tenant_id + "/" + std::string(CapScopeName(c.scope)) + "/" + c.subject_id);
  }
  std::sort(caps.begin(), caps.end());
  EXPECT_EQ(caps, (std::vector<std::string>{"t1/ou/x", "t1/ou/y", "t2/agent/x"}))
      << "only t1's agent x: not the OU of the same id, nor another tenant's agent";
  ASSERT_TRUE(SaveDefinition(*s, DefinitionKind::kOu, "t1", "x", std::nullopt).ok());
  state = s->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->caps.size(), 2u);
}

TEST_P(AdministrationStoreTest, ADefinitionOfAnUnknownKindFailsTheLoadNamingIt) {
  {
    auto s = Open();
    ASSERT_TRUE(SaveAgent(*s, "t1", "e1", "employee_id = \"e1\"\n").ok());
    s->Stop();
  }
  const std::string insert =
      "INSERT INTO definitions (tenant_id, kind, object_id, definition, set_at_ms, set_by)"
      " VALUES ('t1', 'gizmo', 'g1', NULL, 1, 'admin')";
  if (where_.postgresql()) {
    ASSERT_TRUE(where_.Psql(insert).ok());
  } else {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2((where_.data_dir() + "/routerd.db").c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(raw, insert.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  auto s = Open();
  StatusOr<AdministrationState> state = s->administration().Load();
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(state.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(state.status().message().find("t1/gizmo/g1"), std::string::npos) << state.status().message();
}

TEST(SqliteDefinitionsUpgradeTest, AVersion7DatabaseMovesItsAgentDefinitionsIntoDefinitionsInOrder) {
  testing::TempDir dir;
  {
    DatabaseOptions o;
    o.data_dir = dir.data_dir();
    o.target_version_for_test = 7;
    StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_EQ((*db)->schema_version(), 7);
    // Loaded by set_at_ms, then rowid: e1, e3, e2.
    Status s = (*db)->writer().Exec(R"sql(
      INSERT INTO agent_definitions (tenant_id, employee_id, definition, set_at_ms, set_by) VALUES
        ('t1', 'e3', 'employee_id = "e3"', 2000, 'admin'),
        ('t1', 'e1', NULL, 1000, 'tenant_admin:0'),
        ('t1', 'e2', 'employee_id = "e2"', 2000, 'admin');
    )sql");
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  ManualClock clock;
  auto storage = testing::OpenStorageOrDie(dir.data_dir(), 1, clock);
  ASSERT_NE(storage, nullptr);
  Database& db = *storage->partitions().at(0).db;
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  EXPECT_EQ(*db.writer().QueryText(
                "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)"),
            "1,2,3,4,5,6,7,8,9,10,11");
  EXPECT_EQ(testing::CountRows(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'agent_definitions'"), 0);

  StatusOr<AdministrationState> state = storage->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->definitions.size(), 3u);
  std::string order;
  for (const StoredDefinition& d : state->definitions) {
    EXPECT_EQ(d.kind, DefinitionKind::kAgent);
    EXPECT_EQ(d.tenant_id, "t1");
    order += d.object_id + " ";
  }
  EXPECT_EQ(order, "e1 e3 e2 ");
  EXPECT_FALSE(state->definitions[0].definition.has_value()) << "a removal stays a removal";
  EXPECT_EQ(state->definitions[0].set_at_ms, 1000);
  EXPECT_EQ(state->definitions[0].set_by, "tenant_admin:0");
  EXPECT_EQ(state->definitions[2].definition, "employee_id = \"e2\"");
}

TEST(PgDefinitionsUpgradeTest, AVersion4DatabaseMovesItsAgentDefinitionsIntoDefinitionsInOrder) {
  BackendLocation where{BackendParam{"postgresql", 1}};
  ManualClock clock;
  {
    auto storage = where.Open(clock);
    ASSERT_NE(storage, nullptr);
  }
  // Back to what version 4 wrote; loaded by set_at_ms, tenant, employee: e1, e2, e3.
  ASSERT_TRUE(where.Psql(R"sql(
    DROP TABLE definitions;
    CREATE TABLE agent_definitions (
      tenant_id text NOT NULL,
      employee_id text NOT NULL,
      definition text,
      set_at_ms bigint NOT NULL,
      set_by text NOT NULL,
      PRIMARY KEY (tenant_id, employee_id)
    );
    INSERT INTO agent_definitions VALUES
      ('t1', 'e3', 'employee_id = "e3"', 2000, 'admin'),
      ('t1', 'e1', NULL, 1000, 'tenant_admin:0'),
      ('t1', 'e2', 'employee_id = "e2"', 2000, 'admin');
    DELETE FROM routerd_schema WHERE version >= 5;
  )sql").ok());

  auto storage = where.Open(clock);
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(*where.Psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM routerd_schema"), "1,2,3,4,5");
  EXPECT_EQ(*where.Psql("SELECT count(*) FROM pg_tables WHERE tablename = 'agent_definitions'"), "0");
  StatusOr<AdministrationState> state = storage->administration().Load();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->definitions.size(), 3u);
  std::string order;
  for (const StoredDefinition& d : state->definitions) {
    EXPECT_EQ(d.kind, DefinitionKind::kAgent);
    order += d.object_id + " ";
  }
  EXPECT_EQ(order, "e1 e2 e3 ");
  EXPECT_FALSE(state->definitions[0].definition.has_value()) << "a removal stays a removal";
  EXPECT_EQ(state->definitions[0].set_by, "tenant_admin:0");
  EXPECT_EQ(state->definitions[2].definition, "employee_id = \"e3\"");
}

}  // namespace
}  // namespace routerd::storage
