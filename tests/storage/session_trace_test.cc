// Route traces kept through the Storage interface, on every backend: a
// SessionTraceKept appended with a router batch reads back byte for byte from
// the tenant's own rows (partition), survives a restart, changes nothing that
// recovery restores, and goes with the session's other events after the
// retention time.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::AllBackends;
using testing::BackendLocation;
using testing::BackendParam;
using testing::BackendTestName;
using testing::MakeContact;
using testing::WriteContacts;
using testing::WriteSessionEvents;

using testing::kRetentionMs;

// Opaque to storage, but what the API keeps: JSON with quotes, escapes,
// non-ASCII text, a newline and characters an array literal must quote.
const std::string kTrace =
    "{\"session_id\":8,\"hops\":[{\"kind\":\"entered\",\"queue\":\"sales \\\"EU\\\"\",\"at_ms\":1000},"
    "{\"kind\":\"assigned\",\"employee_id\":\"E1\",\"note\":\"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC {a,b} \\\\ "
    "\xF0\x9F\x98\x80\"}],\n\"end\":\"closed\"}";

SessionOpened Opened(const std::string& tenant, std::uint64_t id, std::vector<ContactPtr> contacts = {}) {
  return SessionOpened{tenant, id, "whatsapp", "wa1", "cust", "sales", 1000, std::move(contacts)};
}

class SessionTraceTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  // Tenants t1..t4: with four partitions each has a file (writer) of its own.
  std::unique_ptr<Storage> Open() {
    StorageOptions o = where_.Options({"t1", "t2", "t3", "t4"});
    o.retention_ms = kRetentionMs;
    return BackendLocation::OpenWith(o, clock_);
  }
  static std::optional<StoredSessionTrace> Load(Storage& s, const std::string& tenant, std::uint64_t session) {
    StatusOr<std::optional<StoredSessionTrace>> got = s.LoadSessionTrace(tenant, session);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }
  static StatusOr<PruneResult> PruneAndWait(Storage& s) {
    std::promise<StatusOr<PruneResult>> done;
    s.RequestPrune([&](StatusOr<PruneResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  BackendLocation where_{GetParam()};
  ManualClock clock_;
};

INSTANTIATE_TEST_SUITE_P(Backends, SessionTraceTest, AllBackends(), BackendTestName);

TEST_P(SessionTraceTest, ATraceAppendedWithItsBatchReadsBackAsGiven) {
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  const std::int64_t written_at = clock_.WallMs();
  ASSERT_TRUE(WriteSessionEvents(*storage, {Opened("t1", 8), SessionEnded{"t1", 8, "closed"},
                                            SessionTraceKept{"t1", 8, kTrace}})
                  .ok());
  clock_.Advance(5'000'000'000);  // a read later does not restamp it

  std::optional<StoredSessionTrace> got = Load(*storage, "t1", 8);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->trace, kTrace);
  EXPECT_EQ(got->stored_at_ms, written_at) << "the commit stamp of its batch";

  EXPECT_FALSE(Load(*storage, "t1", 9).has_value()) << "a session without a trace";
  EXPECT_FALSE(Load(*storage, "t2", 8).has_value()) << "the same session id in another tenant";
  EXPECT_FALSE(Load(*storage, "never-stored", 8).has_value()) << "a tenant never stored";
  EXPECT_FALSE(Load(*storage, "never-stored", 8).has_value()) << "and asking did not make it one";
}

TEST_P(SessionTraceTest, EachTenantFindsItsOwnTraceInItsPartitionAndTheNewestWins) {
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  // One batch spanning every partition, session 1 in each tenant.
  std::vector<SessionEvent> batch;
  for (const char* t : {"t1", "t2", "t3", "t4"}) {
    batch.push_back(Opened(t, 1));
    batch.push_back(SessionEnded{t, 1, "closed"});
    batch.push_back(SessionTraceKept{t, 1, std::string("{\"tenant\":\"") + t + "\"}"});
  }
  ASSERT_TRUE(WriteSessionEvents(*storage, std::move(batch)).ok());
  clock_.Advance(1'000'000);
  const std::int64_t second_at = clock_.WallMs();
  ASSERT_TRUE(WriteSessionEvents(*storage, {SessionTraceKept{"t3", 1, "{\"tenant\":\"t3\",\"again\":true}"},
                                            SessionTraceKept{"t3", 2, ""}})
                  .ok());

  for (const char* t : {"t1", "t2", "t4"}) {
    std::optional<StoredSessionTrace> got = Load(*storage, t, 1);
    ASSERT_TRUE(got.has_value()) << t;
    EXPECT_EQ(got->trace, std::string("{\"tenant\":\"") + t + "\"}");
  }
  std::optional<StoredSessionTrace> t3 = Load(*storage, "t3", 1);
  ASSERT_TRUE(t3.has_value());
  EXPECT_EQ(t3->trace, "{\"tenant\":\"t3\",\"again\":true}") << "the trace kept last";
  EXPECT_EQ(t3->stored_at_ms, second_at);
  std::optional<StoredSessionTrace> empty = Load(*storage, "t3", 2);
  ASSERT_TRUE(empty.has_value()) << "an empty trace is still a trace";
  EXPECT_EQ(empty->trace, "");
}

TEST_P(SessionTraceTest, ATraceIsKeptAcrossStopAndReopen) {
  {
    auto storage = Open();
    ASSERT_NE(storage, nullptr);
    ASSERT_TRUE(WriteSessionEvents(*storage, {Opened("t2", 4), SessionEnded{"t2", 4, "customer_idle"},
                                              SessionTraceKept{"t2", 4, kTrace}})
                    .ok());
    storage->Stop();
  }
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  std::optional<StoredSessionTrace> got = Load(*storage, "t2", 4);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->trace, kTrace);
  EXPECT_EQ(got->stored_at_ms, clock_.WallMs());
}

TEST_P(SessionTraceTest, TraceRowsChangeNothingRecoveryRestores) {
  ContactPtr a1 = MakeContact("wa1", "A", "a1", "ended, then traced");
  ContactPtr b1 = MakeContact("wa1", "B", "b1", "open, traced (became a leave message)");
  ContactPtr c1 = MakeContact("wa1", "C", "c1", "accepted, never routed");
  {
    auto storage = Open();
    ASSERT_NE(storage, nullptr);
    ASSERT_TRUE(WriteContacts(*storage, {a1, b1, c1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(*storage, {Opened("t1", 1, {a1}), SessionAssigned{"t1", 1, "E1"},
                                              SessionEnded{"t1", 1, "closed"}, SessionTraceKept{"t1", 1, kTrace},
                                              Opened("t1", 2, {b1}), SessionAssigned{"t1", 2, "E2"}})
                    .ok());
    // The leave store records session 2's end; the router only keeps its
    // trace. A trace of a session never opened opens nothing either.
    ASSERT_TRUE(WriteSessionEvents(*storage, {SessionTraceKept{"t1", 2, "{}"}, SessionTraceKept{"t1", 99, "{}"},
                                              SessionTraceKept{"t2", 5, "{}"}})
                    .ok());
  }
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u) << "session 1 stays ended; sessions 99 and t2/5 were never opened";
  const RecoveredSession& s2 = state->sessions[0];
  EXPECT_EQ(s2.tenant_id, "t1");
  EXPECT_EQ(s2.session_id, 2u);
  EXPECT_EQ(s2.employee_id, std::optional<std::string>("E2")) << "still assigned";
  EXPECT_EQ(s2.queue_id, "sales");
  ASSERT_EQ(s2.contacts.size(), 1u);
  EXPECT_EQ(s2.contacts[0]->provider_message_id, "b1");
  ASSERT_EQ(state->pending_contacts.size(), 1u);
  EXPECT_EQ(state->pending_contacts[0]->provider_message_id, "c1");
  EXPECT_EQ(state->max_session_id, (std::map<std::string, std::uint64_t>{{"t1", 2}}))
      << "only openings count: a trace names no new session";
  EXPECT_EQ(state->dedup_keys, 3u);
}

TEST_P(SessionTraceTest, ATraceIsPrunedWithItsEndedSessionAfterTheRetention) {
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  ASSERT_TRUE(WriteSessionEvents(*storage, {Opened("t1", 1), SessionEnded{"t1", 1, "closed"},
                                            SessionTraceKept{"t1", 1, kTrace}, Opened("t2", 2),
                                            SessionTraceKept{"t2", 2, "{\"open\":true}"}})
                  .ok());
  clock_.Advance((kRetentionMs - 1) * 1'000'000);  // 1 ms short of the retention
  ASSERT_TRUE(WriteSessionEvents(*storage, {Opened("t1", 3), SessionEnded{"t1", 3, "closed"},
                                            SessionTraceKept{"t1", 3, "{\"young\":true}"}})
                  .ok());
  StatusOr<PruneResult> early = PruneAndWait(*storage);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->session_events, 0u);
  EXPECT_TRUE(Load(*storage, "t1", 1).has_value()) << "not yet past the retention";

  clock_.Advance(2'000'000);  // now 1 ms past it for the first batch
  StatusOr<PruneResult> pruned = PruneAndWait(*storage);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->session_events, 3u) << "session 1's opening, end and trace";
  EXPECT_FALSE(Load(*storage, "t1", 1).has_value()) << "pruned with the session's other events";
  std::optional<StoredSessionTrace> open = Load(*storage, "t2", 2);
  ASSERT_TRUE(open.has_value()) << "an open session keeps its events whatever their age";
  EXPECT_EQ(open->trace, "{\"open\":true}");
  std::optional<StoredSessionTrace> young = Load(*storage, "t1", 3);
  ASSERT_TRUE(young.has_value()) << "within the retention";
  EXPECT_EQ(young->trace, "{\"young\":true}");
}

TEST_P(SessionTraceTest, AFailedReadIsAnErrorThatSaysWhatFailed) {
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  // The table gone under the reader: t1 lives in routerd.db with any count.
  if (where_.postgresql()) {
    ASSERT_TRUE(where_.Psql("DROP TABLE session_events").ok());
  } else {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((where_.data_dir() + "/routerd.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "DROP TABLE session_events", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  StatusOr<std::optional<StoredSessionTrace>> got = storage->LoadSessionTrace("t1", 8);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("cannot read the route trace of session 8 of tenant t1 from "),
            std::string::npos)
      << got.status().ToString();
  EXPECT_NE(got.status().message().find("session_events"), std::string::npos) << got.status().ToString();
}

}  // namespace
}  // namespace routerd::storage
