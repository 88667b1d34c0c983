// The event log (schema 11): a writer batch's session events in one row, how
// a row reads back, what malformed bytes give, how a version 10 data
// directory moves its session events into it, and pruning by rows that keep
// the events of sessions still open.
#include "engine/storage/sqlite/event_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/storage/sqlite/contact_keys.h"
#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/journal_records.h"
#include "engine/storage/sqlite/schema.h"
#include "tests/storage/event_log_table.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::CountRows;
using testing::MakeContact;
using testing::OpenOrDie;
using testing::OpenStorageOrDie;
using testing::Options;
using testing::TempDir;

// What a test compares: every field of a logged event, absent ones as "-".
std::string DescribeEvent(const LoggedEvent& e) {
  auto f = [](const std::optional<std::string_view>& v) { return v ? "'" + std::string(*v) + "'" : std::string("-"); };
  return std::to_string(static_cast<int>(e.kind)) + " " + std::string(e.tenant_id) + "/" +
         std::to_string(e.session_id) + " " + f(e.channel_id) + " " + f(e.provider_message_id) + " " + f(e.queue_id) +
         " " + f(e.employee_id) + " " + f(e.channel_kind) + " " + f(e.customer_id) + " " + f(e.detail) +
         (e.kind == SessionEventKind::kOpened ? " @" + std::to_string(e.arrival_ms) : "");
}

std::vector<std::string> DecodeEvents(std::string_view bytes, Status* status = nullptr) {
  std::vector<std::string> out;
  Status s = ForEachLoggedEvent(bytes, [&](const LoggedEvent& e) {
    out.push_back(DescribeEvent(e));
    return Status::Ok();
  });
  if (status != nullptr) *status = s;
  return out;
}

// One event of each kind the log holds, with fields absent, empty and set.
EventLogBuilder EveryEventKind() {
  static const std::string tenant = "t1", channel = "wa", queue = "sales", employee = "e7", kind = "whatsapp",
                           customer = "cust-1", empty, reason = "agent_ended", kept = "42";
  static const ContactPtr contact = MakeContact("wa", "cust-1", "m1", "hello");
  EventLogBuilder b;
  SessionEventWrite opened;
  opened.kind = SessionEventKind::kOpened;
  opened.tenant_id = &tenant;
  opened.session_id = 1;
  opened.contact = contact.get();
  opened.queue_id = &queue;
  opened.channel_kind = &kind;
  opened.customer_id = &customer;
  opened.arrival_ms = -5;  // a clock before 1970 still reads back
  b.Add(opened);
  SessionEventWrite assigned;
  assigned.kind = SessionEventKind::kAssigned;
  assigned.tenant_id = &tenant;
  assigned.session_id = 1;
  assigned.employee_id = &employee;
  b.Add(assigned);
  SessionEventWrite requeued;
  requeued.kind = SessionEventKind::kRequeued;
  requeued.tenant_id = &tenant;
  requeued.session_id = 1;
  requeued.queue_id = &empty;
  b.Add(requeued);
  SessionEventWrite ended;
  ended.kind = SessionEventKind::kEnded;
  ended.tenant_id = &tenant;
  ended.session_id = 1ULL << 40;
  ended.detail = &reason;
  b.Add(ended);
  SessionEventWrite kept_row;
  kept_row.kind = SessionEventKind::kKept;
  kept_row.tenant_id = &tenant;
  kept_row.session_id = 0;
  kept_row.channel_id = &channel;
  kept_row.detail = &kept;
  b.Add(kept_row);
  return b;
}

const std::vector<std::string> kEveryKind = {
    "1 t1/1 'wa' 'm1' 'sales' - 'whatsapp' 'cust-1' - @-5",
    "3 t1/1 - - - 'e7' - - -",
    "4 t1/1 - - '' - - - -",
    "5 t1/1099511627776 - - - - - - 'agent_ended'",
    "6 t1/0 'wa' - - - - - '42'",
};

TEST(EventLogTest, EveryKindReadsBackWithItsAbsentAndEmptyFieldsApart) {
  EventLogBuilder b = EveryEventKind();
  EXPECT_EQ(b.events(), 5u);
  Status s;
  EXPECT_EQ(DecodeEvents(b.bytes(), &s), kEveryKind);
  EXPECT_TRUE(s.ok()) << s.ToString();

  // A row rewritten event by event (as pruning does) is the same row.
  EventLogBuilder copy;
  ASSERT_TRUE(ForEachLoggedEvent(b.bytes(), [&](const LoggedEvent& e) {
                copy.AddLogged(e);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(copy.bytes(), b.bytes());
}

TEST(EventLogTest, AMarkTakesBackWhatWasAddedAfterIt) {
  EventLogBuilder b = EveryEventKind();
  const EventLogBuilder::Mark mark = b.mark();
  static const std::string tenant = "t1";
  SessionEventWrite ended;
  ended.kind = SessionEventKind::kEnded;
  ended.tenant_id = &tenant;
  ended.session_id = 9;
  b.Add(ended);
  EXPECT_EQ(b.events(), 6u);
  b.truncate(mark);
  EXPECT_EQ(b.events(), 5u);
  EXPECT_EQ(DecodeEvents(b.bytes()), kEveryKind);
}

TEST(EventLogTest, BytesThatAreNotARowAreDataLossNamingTheTable) {
  const std::string row(EveryEventKind().bytes());
  // Cut anywhere: the events before the cut, then DataLoss unless the cut
  // falls between two events.
  for (std::size_t n = 1; n < row.size(); ++n) {
    Status s;
    std::vector<std::string> got = DecodeEvents(std::string_view(row).substr(0, n), &s);
    ASSERT_LE(got.size(), kEveryKind.size());
    EXPECT_TRUE(std::equal(got.begin(), got.end(), kEveryKind.begin())) << "cut at " << n;
    if (!s.ok()) {
      EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
      EXPECT_NE(s.message().find("event_log"), std::string::npos) << s.ToString();
    }
  }
  Status s;
  DecodeEvents(std::string("\x02", 1), &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("unknown format"), std::string::npos) << s.ToString();
  DecodeEvents("", &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "not even a version byte";
  // Kind 7 (a trace) and kinds no routerd writes are refused.
  for (char kind : {'\x00', '\x07', '\x63'}) {
    DecodeEvents(std::string("\x01") + kind + std::string("\x02t1\x01\x00", 5), &s);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "kind " << int(kind);
  }
  // A presence bit past the seven fields.
  DecodeEvents(std::string("\x01\x03\x02t1\x01\x80", 6), &s);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
}

TEST(EventLogTest, ABatchsEventsAreOneRowAndOnlyTracesAreRowsOfTheirOwn) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock);
  ASSERT_TRUE(writer.Start().ok());
  ContactPtr a = MakeContact("ch", "a", "m-a", "x"), b = MakeContact("ch", "b", "m-b", "y");
  ASSERT_TRUE(testing::WriteContacts(writer, {a, b}).status.ok());
  ASSERT_TRUE(testing::WriteSessionEvents(writer, {SessionOpened{"t1", 1, "whatsapp", "ch", "a", "q", 1, {a}},
                                                   SessionOpened{"t1", 2, "whatsapp", "ch", "b", "q", 2, {b}},
                                                   SessionAssigned{"t1", 1, "e1"}, SessionEnded{"t1", 2, "closed"},
                                                   SessionTraceKept{"t1", 2, "{\"steps\":[]}"}})
                  .ok());
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM event_log"), 1);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM session_events"), 1) << "the trace";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM session_events WHERE kind = 7"), 1);

  auto reader = db->OpenReader();
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(testing::MaterializeEvents((*reader)->conn()).ok());
  EXPECT_EQ(*(*reader)->conn().QueryText("SELECT group_concat(kind || ':' || session_id, ' ') FROM"
                                         " (SELECT kind, session_id FROM temp.events ORDER BY seq)"),
            "1:1 1:2 3:1 5:2");
  StatusOr<OpenState> state = LoadOpenState(**reader);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].employee_id, "e1");
  StatusOr<std::optional<StoredSessionTrace>> trace = LoadSessionTrace(**reader, "t1", 2);
  ASSERT_TRUE(trace.ok() && trace->has_value());
  EXPECT_EQ((*trace)->trace, "{\"steps\":[]}");
}

// A version 10 partition: a contact log, and session events as rows
// (NULL fields as the old writer left them, a batch's rows stamped alike),
// 1 506 of them besides a trace.
void WriteVersion10Database(const std::string& data_dir) {
  DatabaseOptions o;
  o.data_dir = data_dir;
  o.target_version_for_test = 10;
  StatusOr<std::unique_ptr<Database>> db = Database::Open(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  SqliteConnection& conn = (*db)->writer();
  ASSERT_TRUE(conn.Exec("BEGIN; INSERT INTO tenants (tenant_id, recorded_at_ms) VALUES ('t1', 1);").ok());
  ContactLogBatch log;
  log.seq = 1;
  log.row.BeginGroup("t1", "whatsapp", "wa");
  for (const char* id : {"m1", "m2", "m3", "m4"}) log.row.Add(*MakeContact("wa", "cust-1", id, id));
  ASSERT_TRUE(AppendContactLogRow(conn, log, 90).ok());
  Status s = conn.Exec(R"sql(
    INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id, queue_id,
                                employee_id, channel_kind, customer_id, arrival_ms, detail) VALUES
      (100, 't1', 1, 1, 'wa', 'm1', 'sales', NULL, 'whatsapp', 'cust-1', 10, NULL),
      (100, 't1', 1, 2, 'wa', 'm2', NULL, NULL, NULL, NULL, NULL, NULL),
      (120, 't1', 1, 3, NULL, NULL, NULL, 'e7', NULL, NULL, NULL, NULL),
      (120, 't1', 1, 4, NULL, NULL, 'vip', NULL, NULL, NULL, NULL, NULL),
      (140, 't1', 2, 1, 'wa', 'm3', 'sales', NULL, 'whatsapp', 'cust-1', 20, NULL),
      (140, 't1', 2, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'agent_ended'),
      (160, 't1', 2, 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{"trace":2}');
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
    INSERT INTO session_events (at_ms, tenant_id, session_id, kind, channel_id, provider_message_id)
      SELECT 1700, 't1', 9, 2, 'wa', 'x' || i FROM n;
    COMMIT;
  )sql");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(EventLogUpgradeTest, AVersion10DataDirectoryMovesItsSessionEventsIntoTheLogWithNothingLost) {
  TempDir dir;
  WriteVersion10Database(dir.data_dir());
  ManualClock clock(1'000'000'000, 5000);  // the wall clock reads 5 000 ms
  auto storage = OpenStorageOrDie(dir.data_dir(), 1, clock, {"t1"});
  ASSERT_NE(storage, nullptr);
  Database& db = *storage->partitions().at(0).db;
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM event_log"), 5)
      << "a row per stamp (100, 120, 140, 1700), at most 1 000 events a row";
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM session_events"), 1) << "only the trace stays";
  {
    auto reader = db.OpenReader();
    ASSERT_TRUE(reader.ok());
    SqliteConnection& rc = (*reader)->conn();
    EXPECT_EQ(*rc.QueryText("SELECT group_concat(at_ms) FROM (SELECT at_ms FROM event_log ORDER BY seq)"),
              "100,120,140,1700,1700")
        << "every event keeps its stamp";
    ASSERT_TRUE(testing::MaterializeEvents(rc).ok());
    EXPECT_EQ(*rc.QueryText("SELECT COUNT(*) FROM temp.events"), "1506");
    EXPECT_EQ(*rc.QueryText("SELECT group_concat(n) FROM (SELECT at_ms, COUNT(*) AS n FROM temp.events"
                            " GROUP BY at_ms ORDER BY at_ms)"),
              "2,2,2,1500");
    EXPECT_EQ(*rc.QueryText(
                  "SELECT group_concat(kind || '|' || session_id || '|' || IFNULL(channel_id, '-') || '|' ||"
                  " IFNULL(provider_message_id, '-') || '|' || IFNULL(queue_id, '-') || '|' ||"
                  " IFNULL(employee_id, '-') || '|' || IFNULL(channel_kind, '-') || '|' || IFNULL(customer_id, '-')"
                  " || '|' || IFNULL(arrival_ms, '-') || '|' || IFNULL(detail, '-'), ' ') FROM"
                  " (SELECT * FROM temp.events WHERE seq <= 6 ORDER BY seq)"),
              "1|1|wa|m1|sales|-|whatsapp|cust-1|10|- 2|1|wa|m2|-|-|-|-|-|- 3|1|-|-|-|e7|-|-|-|- "
              "4|1|-|-|vip|-|-|-|-|- 1|2|wa|m3|sales|-|whatsapp|cust-1|20|- 5|2|-|-|-|-|-|-|-|agent_ended");
    EXPECT_EQ(*rc.QueryText("SELECT provider_message_id FROM temp.events WHERE seq = 1506"), "x1500");
  }

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  const RecoveredSession& s1 = state->sessions[0];
  EXPECT_EQ(s1.session_id, 1u);
  EXPECT_EQ(s1.queue_id, "vip");
  EXPECT_EQ(s1.employee_id, std::nullopt) << "requeued after its assignment";
  EXPECT_EQ(s1.arrival_ms, 10);
  ASSERT_EQ(s1.contacts.size(), 2u);
  EXPECT_EQ(s1.contacts[0]->text, "m1");
  EXPECT_EQ(s1.contacts[1]->text, "m2");
  ASSERT_EQ(state->pending_contacts.size(), 1u) << "m4: no event names it";
  EXPECT_EQ(state->pending_contacts[0]->provider_message_id, "m4");
  EXPECT_EQ(state->max_session_id["t1"], 2u);
  StatusOr<std::optional<StoredSessionTrace>> trace = storage->LoadSessionTrace("t1", 2);
  ASSERT_TRUE(trace.ok() && trace->has_value()) << trace.status().ToString();
  EXPECT_EQ((*trace)->trace, "{\"trace\":2}");

  // The writer goes on after the moved rows: a new row, a later stamp.
  ASSERT_TRUE(testing::WriteSessionEvents(*storage, {SessionEnded{"t1", 1, "closed"}}).ok());
  EXPECT_EQ(CountRows(db, "SELECT COUNT(*) FROM event_log"), 6);
  EXPECT_EQ(CountRows(db, "SELECT at_ms FROM event_log WHERE seq = 6"), 5000);
  StatusOr<OpenState> after = storage->LoadOpenState();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->sessions.empty());
}

TEST(EventLogUpgradeTest, ASessionEventOfAKindNoRouterdWritesStopsTheUpgradeNamingItsRow) {
  TempDir dir;
  WriteVersion10Database(dir.data_dir());
  {
    DatabaseOptions o;
    o.data_dir = dir.data_dir();
    o.target_version_for_test = 10;
    auto db = OpenOrDie(o);
    ASSERT_TRUE(db->writer().Exec("UPDATE session_events SET kind = 12 WHERE seq = 3").ok());
  }
  StatusOr<std::unique_ptr<Database>> db = Database::Open(Options(dir));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(db.status().message().find("session_events row 3 has kind 12"), std::string::npos)
      << db.status().ToString();
  // Nothing of the upgrade stayed: the file is still at version 10.
  DatabaseOptions o = Options(dir);
  o.target_version_for_test = 10;
  auto old = OpenOrDie(o);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(old->schema_version(), 10);
}

TEST(EventLogPruneTest, RowsPastRetentionGoInBoundedPassesAndAnOpenSessionsEventsAreRewrittenIntoTheirRow) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o;
  o.prune_interval_ms = 0;
  o.prune_rows_per_pass = 3;
  JournalWriter writer(*db, clock, o);
  ASSERT_TRUE(writer.Start().ok());
  // Ten batches, each one row: sessions 1-10 opened and ended, and session
  // 11 opened in the fifth and still open.
  for (std::uint64_t i = 1; i <= 10; ++i) {
    ContactPtr c = MakeContact("ch", "c" + std::to_string(i), "m" + std::to_string(i), "x");
    ASSERT_TRUE(testing::WriteContacts(writer, {c}).status.ok());
    std::vector<SessionEvent> events = {SessionOpened{"t1", i, "whatsapp", "ch", "c", "q", 1, {c}},
                                        SessionEnded{"t1", i, "closed"}};
    if (i == 5) {
      ContactPtr open = MakeContact("ch", "open", "m-open", "still here");
      ASSERT_TRUE(testing::WriteContacts(writer, {open}).status.ok());
      events.push_back(SessionOpened{"t1", 11, "whatsapp", "ch", "open", "q", 5, {open}});
    }
    ASSERT_TRUE(testing::WriteSessionEvents(writer, std::move(events)).ok());
  }
  ASSERT_EQ(CountRows(*db, "SELECT COUNT(*) FROM event_log"), 10);

  clock.Advance(std::int64_t{8} * 24 * 3600 * 1'000'000'000);
  StatusOr<PruneResult> pruned = testing::PruneAndWait(writer);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->contacts, 10u) << "all but the open session's";
  EXPECT_EQ(pruned->session_events, 20u) << "every opening and end but session 11's opening";
  EXPECT_GE(pruned->passes, 7u) << "10 contacts and 20 events, about 3 of each a pass";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM event_log"), 1) << "the fifth row, rewritten";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 1);

  // What is left still restores the open session after a restart.
  writer.Stop();
  JournalWriter again(*db, clock, o);
  ASSERT_TRUE(again.Start().ok());
  auto reader = db->OpenReader();
  ASSERT_TRUE(reader.ok());
  StatusOr<OpenState> state = LoadOpenState(**reader);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].session_id, 11u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u);
  EXPECT_EQ(state->sessions[0].contacts[0]->text, "still here");
  EXPECT_TRUE(state->pending_contacts.empty());
}

}  // namespace
}  // namespace routerd::storage
