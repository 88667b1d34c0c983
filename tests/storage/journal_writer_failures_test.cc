// The journal writer when a record or the whole transaction fails: what is
// undone, what the producers are told, and which keys stay new for a retry.
#include "engine/storage/sqlite/journal_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "engine/storage/sqlite/journal_reader.h"
#include "engine/storage/sqlite/journal_records.h"
#include "tests/storage/journal_writer_test_util.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::Completions;
using testing::CountRows;
using testing::CountedContact;
using testing::MakeContact;
using testing::NoPeriodicPrune;
using testing::OpenOrDie;
using testing::PruneAndWait;
using testing::Options;
using testing::TempDir;
using testing::WriteContacts;
using testing::WriteSessionEvents;

// A record that writes a row and then fails, or ends the transaction under the writer.
class ProbeRecord final : public JournalRecord {
 public:
  enum class Mode { kWriteThenFail, kRollBackEverything };
  // `alone`: whether it declares that it may fail on its own (a savepoint).
  ProbeRecord(Mode mode, std::promise<Status>* done, bool alone = true) : mode_(mode), done_(done), alone_(alone) {}
  bool may_fail_alone() const override { return alone_; }
  Status Apply(WriteContext& ctx) override {
    if (mode_ == Mode::kRollBackEverything) {
      (void)ctx.conn.Exec("ROLLBACK");
      return Status::Unavailable("simulated I/O error");
    }
    // As an accepted contact is written: its key claimed, the contact in the
    // batch's log row.
    StatusOr<bool> claimed = ClaimContactKey(ctx.conn, ctx.contact_log, "ch", "probe");
    if (!claimed.ok()) return claimed.status();
    ctx.contact_log.row.BeginGroup("t1", "web", "ch");
    ctx.contact_log.row.Add(*MakeContact("ch", "c", "probe", ""));
    // And as a session is opened: its event in the batch's log row.
    static const std::string tenant = "t1";
    SessionEventWrite opened;
    opened.kind = SessionEventKind::kOpened;
    opened.tenant_id = &tenant;
    opened.session_id = 99;
    ROUTERD_RETURN_IF_ERROR(AppendSessionEvent(ctx, opened));
    ctx.open_sessions.Opened(tenant, 99, ctx.now_ms);
    return Status::FailedPrecondition("probe refuses after writing");
  }
  void Complete(const Status& status) override { done_->set_value(status); }

 private:
  Mode mode_;
  std::promise<Status>* done_;
  bool alone_;
};

TEST(JournalWriterTest, ARecordThatFailsIsUndoneAloneAndTheBatchCommits) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  Completions done(2);
  std::promise<Status> probe;
  auto probe_status = probe.get_future();
  // Queued before Start: one batch.
  ASSERT_TRUE(writer.Submit(CountedContact(done, 0, "before")).ok());
  ASSERT_TRUE(writer.Submit(std::make_unique<ProbeRecord>(ProbeRecord::Mode::kWriteThenFail, &probe)).ok());
  ASSERT_TRUE(writer.Submit(CountedContact(done, 1, "after")).ok());
  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();  // drains the three queued records, in one batch

  EXPECT_EQ(probe_status.get().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(done.calls[0].load(), 1);
  EXPECT_EQ(done.failures[0].load(), 0);
  EXPECT_EQ(done.calls[1].load(), 1);
  EXPECT_EQ(done.failures[1].load(), 0);
  EXPECT_EQ(writer.stats().commits, 1u) << "one batch";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts WHERE provider_message_id = 'probe'"), 0);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 2);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM event_log"), 0) << "the probe's opening went with it";
}

TEST(JournalWriterTest, ARecordWithoutASavepointThatFailsFailsTheWholeBatch) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  Completions done(2);
  std::promise<Status> probe;
  auto probe_status = probe.get_future();
  ASSERT_TRUE(writer.Submit(CountedContact(done, 0, "before")).ok());
  ASSERT_TRUE(
      writer.Submit(std::make_unique<ProbeRecord>(ProbeRecord::Mode::kWriteThenFail, &probe, /*alone=*/false)).ok());
  ASSERT_TRUE(writer.Submit(CountedContact(done, 1, "after")).ok());
  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();

  // Its partial write cannot be undone alone, so nothing of the batch stays.
  EXPECT_EQ(probe_status.get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(done.calls[0].load(), 1);
  EXPECT_EQ(done.failures[0].load(), 1);
  EXPECT_EQ(done.calls[1].load(), 1);
  EXPECT_EQ(done.failures[1].load(), 1);
  EXPECT_EQ(writer.stats().commits, 0u);
  EXPECT_EQ(writer.stats().failed_batches, 1u);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 0);
}

TEST(JournalWriterTest, ALostTransactionFailsEveryRecordOfTheBatch) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  Completions done(2);
  std::promise<Status> probe;
  auto probe_status = probe.get_future();
  ASSERT_TRUE(writer.Submit(CountedContact(done, 0, "before")).ok());
  ASSERT_TRUE(writer.Submit(std::make_unique<ProbeRecord>(ProbeRecord::Mode::kRollBackEverything, &probe)).ok());
  ASSERT_TRUE(writer.Submit(CountedContact(done, 1, "after")).ok());
  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();  // drains the three queued records, in one batch

  EXPECT_EQ(probe_status.get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(done.calls[0].load(), 1);
  EXPECT_EQ(done.failures[0].load(), 1) << "written before the failure, but not committed";
  EXPECT_EQ(done.calls[1].load(), 1);
  EXPECT_EQ(done.failures[1].load(), 1);
  EXPECT_EQ(writer.stats().failed_batches, 1u);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 0);

  EXPECT_EQ(writer.stats().commits, 0u);

  // The connection is usable again: the next batch commits.
  JournalWriter next_writer(*db, clock, NoPeriodicPrune());
  ASSERT_TRUE(next_writer.Start().ok());
  auto next = WriteContacts(next_writer, {MakeContact("ch", "a", "again", "x")});
  EXPECT_TRUE(next.status.ok()) << next.status.ToString();
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 1);
}

TEST(JournalWriterTest, TheKeysOfWhatWasNotStoredAreNewWhenTheProviderRetries) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  ASSERT_TRUE(writer.Start().ok());
  Completions done(4);
  std::promise<Status> alone, whole_batch;
  auto alone_status = alone.get_future();
  auto whole_batch_status = whole_batch.get_future();
  // One batch (queued together): a record undone alone, then one that fails
  // the batch, both after claiming "probe", between two contacts.
  std::vector<JournalRecordPtr> records;
  records.push_back(CountedContact(done, 0, "before"));
  records.push_back(std::make_unique<ProbeRecord>(ProbeRecord::Mode::kWriteThenFail, &alone));
  records.push_back(std::make_unique<ProbeRecord>(ProbeRecord::Mode::kWriteThenFail, &whole_batch, /*alone=*/false));
  records.push_back(CountedContact(done, 1, "after"));
  ASSERT_TRUE(writer.SubmitAll(std::move(records)).ok());
  (void)writer.Flush();  // its barrier may share the failed batch
  EXPECT_EQ(alone_status.get().code(), StatusCode::kUnavailable) << "its batch failed after it";
  EXPECT_EQ(whole_batch_status.get().code(), StatusCode::kUnavailable);
  EXPECT_EQ(done.failures[0].load(), 1);
  EXPECT_EQ(done.failures[1].load(), 1);

  // The retries, on the same writer: nothing of that batch is stored, so
  // none of its keys makes them duplicates.
  auto retry = WriteContacts(writer, {MakeContact("ch", "cust", "before", "hello before"),
                                      MakeContact("ch", "c", "probe", ""),
                                      MakeContact("ch", "cust", "after", "hello after")});
  ASSERT_TRUE(retry.status.ok()) << retry.status.ToString();
  EXPECT_EQ(retry.outcome, (std::vector<ContactWrite>{ContactWrite::kInserted, ContactWrite::kInserted,
                                                      ContactWrite::kInserted}));
  auto again = WriteContacts(writer, {MakeContact("ch", "c", "probe", "")});
  EXPECT_EQ(again.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate})) << "now it is stored";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 3);
}

}  // namespace
}  // namespace routerd::storage
