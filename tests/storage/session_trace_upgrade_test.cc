// Databases written before route traces were kept (SQLite schema 5,
// PostgreSQL schema 2) open with this build: they get the partial index on
// the trace rows, keep their rows, and traces are written and read
// afterwards. The look-up's plan uses that index.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/storage/postgresql/pg_journal_reader.h"
#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/schema.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::BackendLocation;
using testing::BackendParam;
using testing::CountRows;
using testing::OpenStorageOrDie;
using testing::TempDir;
using testing::WriteSessionEvents;

// What routerd with schema 5 wrote: tenant t1 in routerd.db, two contacts,
// session 1 open and session 2 ended.
void WriteVersion5Database(const std::string& data_dir) {
  DatabaseOptions o;
  o.data_dir = data_dir;
  o.target_version_for_test = 5;
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_EQ((*db)->schema_version(), 5);
  Status s = (*db)->writer().Exec(R"sql(
    BEGIN;
    INSERT INTO tenants (tenant_id, recorded_at_ms) VALUES ('t1', 1000);
    INSERT INTO contacts (accepted_at_ms, tenant_id, channel_kind, channel_id, customer_id, display_name,
                          provider_message_id, text, sent_at_ms, received_at_ms) VALUES
      (1000, 't1', 'whatsapp', 'wa', 'A', 'Ann', 'a1', 'hello', 100, 101),
      (1000, 't1', 'whatsapp', 'wa', 'B', 'Bob', 'b1', 'bye', 110, 111);
    INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,
                                channel_kind, customer_id, arrival_ms, detail) VALUES
      (1000, 't1', 1, 1, 'wa', 'a1', 'sales', 'whatsapp', 'A', 1000, NULL),
      (1000, 't1', 2, 1, 'wa', 'b1', 'sales', 'whatsapp', 'B', 1100, NULL),
      (1000, 't1', 2, 5, NULL, NULL, NULL, NULL, NULL, NULL, 'closed');
    COMMIT;
  )sql");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// The `detail` column of EXPLAIN QUERY PLAN for `sql` (parameters left
// unbound), one line per step.
std::vector<std::string> QueryPlan(Database& db, const std::string& sql) {
  std::vector<std::string> plan;
  StatusOr<std::unique_ptr<ReadConnection>> rc = db.OpenReader();
  EXPECT_TRUE(rc.ok()) << rc.status().ToString();
  if (!rc.ok()) return plan;
  StatusOr<Statement> st = (*rc)->conn().Prepare("EXPLAIN QUERY PLAN " + sql);
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  if (!st.ok()) return plan;
  for (;;) {
    StatusOr<bool> row = st->Step();
    EXPECT_TRUE(row.ok()) << row.status().ToString();
    if (!row.ok() || !*row) break;
    plan.push_back(st->ColumnText(3));
  }
  return plan;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "; ";
  return out;
}

class SqliteTraceUpgradeTest : public ::testing::TestWithParam<int> {};

INSTANTIATE_TEST_SUITE_P(Partitions, SqliteTraceUpgradeTest, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int>& info) { return std::to_string(info.param); });

TEST_P(SqliteTraceUpgradeTest, AVersion5DatabaseGetsTheTraceIndexAndKeepsItsRows) {
  TempDir dir;
  WriteVersion5Database(dir.data_dir());
  ManualClock clock;
  auto storage = OpenStorageOrDie(dir.data_dir(), GetParam(), clock, {"t1", "t2"});
  ASSERT_NE(storage, nullptr);
  Database& db = *storage->partitions().at(0).db;
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  EXPECT_EQ(*db.writer().QueryText(
                "SELECT group_concat(version) FROM (SELECT version FROM schema_version ORDER BY version)"),
            "1,2,3,4,5,6,7,8,9,10,11");
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'"
                          " AND name = 'session_events_traces' AND sql LIKE '%WHERE kind = 7'"),
            1);
  EXPECT_EQ(storage->partitions().ForTenant("t1").index, 0) << "t1 stays in its file";

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].session_id, 1u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u);
  EXPECT_EQ(state->sessions[0].contacts[0]->provider_message_id, "a1");
  EXPECT_EQ(state->dedup_keys, 2u);
  EXPECT_EQ(state->max_session_id.at("t1"), 2u);

  ASSERT_TRUE(WriteSessionEvents(*storage, {SessionEnded{"t1", 1, "closed"}, SessionTraceKept{"t1", 1, "{\"a\":1}"},
                                            SessionTraceKept{"t2", 1, "{\"b\":2}"}})
                  .ok());
  StatusOr<std::optional<StoredSessionTrace>> t1 = storage->LoadSessionTrace("t1", 1);
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  ASSERT_TRUE(t1->has_value());
  EXPECT_EQ((*t1)->trace, "{\"a\":1}");
  EXPECT_EQ((*t1)->stored_at_ms, clock.WallMs());
  StatusOr<std::optional<StoredSessionTrace>> t2 = storage->LoadSessionTrace("t2", 1);
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  ASSERT_TRUE(t2->has_value());
  EXPECT_EQ((*t2)->trace, "{\"b\":2}");
  StatusOr<std::optional<StoredSessionTrace>> none = storage->LoadSessionTrace("t1", 2);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value()) << "session 2 ended before traces were kept";
}

TEST(SqliteTracePlanTest, TheLookUpSearchesThePartialIndexWithoutASort) {
  TempDir dir;
  auto db = testing::OpenOrDie(testing::Options(dir));
  ASSERT_NE(db, nullptr);
  const std::vector<std::string> plan = QueryPlan(*db, std::string(kSessionTraceSql));
  ASSERT_EQ(plan.size(), 1u) << Joined(plan);
  EXPECT_NE(plan[0].find("SEARCH session_events USING INDEX session_events_traces (tenant_id=? AND session_id=?)"),
            std::string::npos)
      << Joined(plan);
  // The control: with the kind bound instead of written out, SQLite cannot
  // prove the index's WHERE and falls back to another plan.
  std::string bound(kSessionTraceSql);
  bound.replace(bound.find("kind = 7"), 8, "kind = ?3");
  EXPECT_EQ(Joined(QueryPlan(*db, bound)).find("session_events_traces"), std::string::npos);
}

TEST(PgTraceUpgradeTest, AVersion2DatabaseGetsTheTraceIndexAndKeepsItsRows) {
  BackendLocation where{BackendParam{"postgresql", 1}};
  ManualClock clock;
  ContactPtr a1 = testing::MakeContact("wa1", "A", "a1", "hello");
  ContactPtr b1 = testing::MakeContact("wa1", "B", "b1", "bye");
  {
    auto storage = where.Open(clock);
    ASSERT_NE(storage, nullptr);
    ASSERT_TRUE(testing::WriteContacts(*storage, {a1, b1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(*storage, {SessionOpened{"t1", 1, "whatsapp", "wa1", "A", "sales", 1000, {a1}},
                                              SessionOpened{"t1", 2, "whatsapp", "wa1", "B", "sales", 1100, {b1}},
                                              SessionEnded{"t1", 2, "closed"}})
                    .ok());
  }
  // Back to what version 2 wrote.
  ASSERT_TRUE(where.Psql("DROP INDEX session_events_traces; DROP TABLE definitions;"
                         " DELETE FROM routerd_schema WHERE version >= 3").ok());
  const std::string has_index =
      "SELECT count(*) FROM pg_indexes WHERE indexname = 'session_events_traces' AND indexdef LIKE '%WHERE (kind = 7)'";
  ASSERT_EQ(*where.Psql(has_index), "0");

  auto storage = where.Open(clock);
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(*where.Psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM routerd_schema"), "1,2,3,4,5");
  EXPECT_EQ(*where.Psql(has_index), "1");
  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].session_id, 1u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u);
  EXPECT_EQ(state->dedup_keys, 2u);

  ASSERT_TRUE(
      WriteSessionEvents(*storage, {SessionEnded{"t1", 1, "closed"}, SessionTraceKept{"t1", 1, "{\"a\":1}"}}).ok());
  StatusOr<std::optional<StoredSessionTrace>> got = storage->LoadSessionTrace("t1", 1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->trace, "{\"a\":1}");
  EXPECT_EQ((*got)->stored_at_ms, clock.WallMs());

  // The planner can answer the look-up from the partial index (scans that
  // would win on a table this small are turned off).
  StatusOr<std::string> plan = where.Psql(
      "SET enable_seqscan = off; SET enable_bitmapscan = off; PREPARE trace(text, bigint) AS " +
      std::string(kPgSessionTraceSql) + "; EXPLAIN (COSTS OFF) EXECUTE trace('t1', 1)");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(plan->find("Index Scan Backward using session_events_traces"), std::string::npos) << *plan;
}

}  // namespace
}  // namespace routerd::storage
