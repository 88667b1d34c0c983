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

TEST(JournalWriterTest, QueuedRecordsFromManyThreadsCommitInFewBatches) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o = NoPeriodicPrune();
  o.max_batch_records = 1000;
  JournalWriter writer(*db, clock, o);

  constexpr int kThreads = 8, kPerThread = 500, kTotal = kThreads * kPerThread;
  Completions done(kTotal);
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::size_t index = static_cast<std::size_t>(t * kPerThread + i);
        ASSERT_TRUE(writer.Submit(CountedContact(done, index, "m" + std::to_string(index))).ok());
      }
    });
  }
  for (std::thread& p : producers) p.join();
  EXPECT_EQ(writer.stats().queue_depth, static_cast<std::uint64_t>(kTotal));

  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.Flush().ok());

  for (int i = 0; i < kTotal; ++i) {
    ASSERT_EQ(done.calls[i].load(), 1) << "record " << i;
    ASSERT_EQ(done.failures[i].load(), 0) << "record " << i;
  }
  JournalStats s = writer.stats();
  // 4000 records + the flush barrier, at most 1000 per transaction: 5 commits, 5 fsyncs.
  EXPECT_EQ(s.records, static_cast<std::uint64_t>(kTotal + 1));
  EXPECT_EQ(s.commits, 5u);
  EXPECT_EQ(s.batches, 5u);
  EXPECT_EQ(s.failed_batches, 0u);
  EXPECT_EQ(s.max_batch_records, 1000u);
  EXPECT_EQ(s.last_batch_records, 1u) << "the barrier came last, alone";
  EXPECT_EQ(s.queue_depth, 0u);
  EXPECT_DOUBLE_EQ(s.RecordsPerCommit(), 4001.0 / 5.0);
  EXPECT_EQ(s.Fsyncs(), 5u);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), kTotal);
}

TEST(JournalWriterTest, ConcurrentSubmittersWhileRunningGetExactlyOneCompletionEach) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  ASSERT_TRUE(writer.Start().ok());

  constexpr int kThreads = 8, kPerThread = 400, kTotal = kThreads * kPerThread;
  Completions done(kTotal);
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::size_t index = static_cast<std::size_t>(t * kPerThread + i);
        ASSERT_TRUE(writer.Submit(CountedContact(done, index, "m" + std::to_string(index))).ok());
      }
    });
  }
  for (std::thread& p : producers) p.join();
  ASSERT_TRUE(writer.Flush().ok());

  for (int i = 0; i < kTotal; ++i) {
    ASSERT_EQ(done.calls[i].load(), 1) << "record " << i;
    ASSERT_EQ(done.failures[i].load(), 0) << "record " << i;
  }
  JournalStats s = writer.stats();
  EXPECT_EQ(s.records, static_cast<std::uint64_t>(kTotal + 1));
  EXPECT_LE(s.commits, s.records);
  EXPECT_EQ(s.commits, s.batches);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), kTotal);
}

TEST(JournalWriterTest, AFullQueueRefusesAtOnceIngressFirst) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o = NoPeriodicPrune();
  o.capacity = 10;  // ingress_capacity defaults to 3/4: 7
  JournalWriter writer(*db, clock, o);

  Completions done(20);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(writer.Submit(CountedContact(done, i, "m" + std::to_string(i))).ok());
  Status refused = writer.Submit(CountedContact(done, 7, "m7"));
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("7 of 7"), std::string::npos) << refused.message();

  // Session records of contacts already accepted still fit, up to the full capacity.
  std::atomic<int> session_done{0};
  for (int i = 0; i < 3; ++i) {
    SessionEnded e{"t1", static_cast<std::uint64_t>(100 + i), "closed"};
    ASSERT_TRUE(writer.Submit(MakeSessionEventsRecord({e}, [&](const Status&) { session_done.fetch_add(1); })).ok());
  }
  SessionEnded e{"t1", 200, "closed"};
  EXPECT_EQ(writer.Submit(MakeSessionEventsRecord({e}, [&](const Status&) { session_done.fetch_add(1); })).code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(writer.stats().refused, 2u);
  EXPECT_EQ(writer.stats().queue_depth, 10u);

  // All or nothing for a group.
  std::vector<JournalRecordPtr> group;
  group.push_back(MakeSessionEventsRecord({SessionEnded{"t1", 300, "closed"}}));
  EXPECT_EQ(writer.SubmitAll(std::move(group)).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(writer.stats().queue_depth, 10u);

  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();  // writes everything queued
  for (int i = 0; i < 7; ++i) EXPECT_EQ(done.calls[i].load(), 1) << i;
  EXPECT_EQ(done.calls[7].load(), 0) << "a refused record is never completed";
  EXPECT_EQ(session_done.load(), 3);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 7);
  EXPECT_EQ(writer.Submit(CountedContact(done, 8, "m8")).code(), StatusCode::kUnavailable);
}

TEST(JournalWriterTest, SubmitAllQueuesConsecutiveRecordsInOrderOrNone) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o = NoPeriodicPrune();
  o.capacity = 4;  // ingress: 3
  JournalWriter writer(*db, clock, o);
  std::vector<int> order;  // completions run on the writer thread, one at a time
  auto tagged = [&order](int tag) {
    return MakeSessionEventsRecord({}, [&order, tag](const Status&) { order.push_back(tag); });
  };
  std::vector<JournalRecordPtr> first;
  for (int i = 0; i < 3; ++i) first.push_back(tagged(i));
  ASSERT_TRUE(writer.SubmitAll(std::move(first)).ok());
  std::vector<JournalRecordPtr> too_many;
  too_many.push_back(tagged(10));
  too_many.push_back(tagged(11));
  EXPECT_EQ(writer.SubmitAll(std::move(too_many)).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(writer.stats().queue_depth, 3u) << "none of the refused group was queued";
  std::vector<JournalRecordPtr> one;
  one.push_back(tagged(3));
  ASSERT_TRUE(writer.SubmitAll(std::move(one)).ok());
  ASSERT_TRUE(writer.Start().ok());
  writer.Stop();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(JournalWriterTest, RecordsNeverWrittenCompleteWithUnavailableWhenTheWriterIsDestroyed) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  Completions done(3);
  Status seen;
  {
    JournalWriter writer(*db, clock, NoPeriodicPrune());
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(writer.Submit(CountedContact(done, i, "m" + std::to_string(i))).ok());
    ASSERT_TRUE(writer.Submit(MakeSessionEventsRecord({SessionEnded{"t1", 1, "closed"}},
                                                      [&](const Status& s) { seen = s; }))
                    .ok());
    EXPECT_EQ(writer.Flush().code(), StatusCode::kFailedPrecondition) << "not started";
  }
  EXPECT_EQ(done.calls[0].load(), 1);
  EXPECT_EQ(done.failures[0].load(), 1);
  EXPECT_EQ(done.calls[1].load(), 1);
  EXPECT_EQ(seen.code(), StatusCode::kUnavailable);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 0);
}

TEST(JournalWriterTest, DuplicateKeysAreReportedPerContactNotAsErrors) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  ASSERT_TRUE(writer.Start().ok());

  auto first = WriteContacts(writer, {MakeContact("ch", "a", "m1", "one"), MakeContact("ch", "a", "m2", "two"),
                                      MakeContact("ch", "a", "m1", "one again, same request")});
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  EXPECT_EQ(first.outcome, (std::vector<ContactWrite>{ContactWrite::kInserted, ContactWrite::kInserted,
                                                      ContactWrite::kDuplicate}));

  auto retry = WriteContacts(writer, {MakeContact("ch", "a", "m2", "two"), MakeContact("ch", "a", "m3", "three")});
  ASSERT_TRUE(retry.status.ok());
  EXPECT_EQ(retry.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate, ContactWrite::kInserted}));

  auto other_channel = WriteContacts(writer, {MakeContact("ch2", "a", "m1", "same id, other channel")});
  EXPECT_EQ(other_channel.outcome, (std::vector<ContactWrite>{ContactWrite::kInserted}));

  auto unkeyed = WriteContacts(writer, {MakeContact("ch", "a", "", "x"), MakeContact("ch", "a", "", "y")});
  EXPECT_EQ(unkeyed.outcome, (std::vector<ContactWrite>{ContactWrite::kInserted, ContactWrite::kInserted}))
      << "without a provider id nothing can be deduplicated";

  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 6);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts WHERE provider_message_id = 'm1' AND channel_id = 'ch'"
                           " AND text = 'one'"),
            1)
      << "the first delivery is kept";

  auto reader = db->OpenReader();
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE(*ContainsContactKey(**reader, "ch", "m3"));
  EXPECT_TRUE(*ContainsContactKey(**reader, "ch2", "m1"));
  EXPECT_FALSE(*ContainsContactKey(**reader, "ch2", "m2"));
  EXPECT_FALSE(*ContainsContactKey(**reader, "ch", ""));
}

TEST(JournalWriterTest, ACommitIntervalGathersWhatArrivesMeanwhileIntoOneBatch) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions options = NoPeriodicPrune();
  options.commit_interval_ms = 600'000;  // far longer than the test: only Stop ends the wait
  JournalWriter writer(*db, clock, options);
  Completions done(41);
  ASSERT_TRUE(writer.Start().ok());
  // The first batch starts at once (no batch for an interval before it).
  ASSERT_TRUE(writer.Submit(CountedContact(done, 0, "first")).ok());
  ASSERT_TRUE(writer.Flush().ok());
  EXPECT_EQ(done.calls[0].load(), 1);
  const std::uint64_t batches = writer.stats().batches;
  // Everything after it waits for the interval, then commits together.
  for (int i = 1; i <= 40; ++i) ASSERT_TRUE(writer.Submit(CountedContact(done, i, "m" + std::to_string(i))).ok());
  writer.Stop();  // ends the interval: the 40 are written, in one batch
  EXPECT_EQ(writer.stats().batches, batches + 1);
  for (int i = 0; i <= 40; ++i) {
    EXPECT_EQ(done.calls[i].load(), 1) << i;
    EXPECT_EQ(done.failures[i].load(), 0) << i;
  }
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 41);
}

TEST(JournalWriterTest, PruneForgetsKeysPastRetentionButKeepsOpenSessions) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  ASSERT_EQ(writer.options().retention_ms, 604'800'000) << "default: 7 days";
  ASSERT_TRUE(writer.Start().ok());

  ContactPtr old_done = MakeContact("ch", "a", "old-ended", "x");
  ContactPtr old_open = MakeContact("ch", "b", "old-open", "y");
  ContactPtr old_loose = MakeContact("ch", "c", "old-loose", "z");
  ASSERT_TRUE(WriteContacts(writer, {old_done, old_open, old_loose}).status.ok());
  ASSERT_TRUE(WriteSessionEvents(writer, {SessionOpened{"t1", 1, "whatsapp", "ch", "a", "q", 1, {old_done}},
                                          SessionOpened{"t1", 2, "whatsapp", "ch", "b", "q", 2, {old_open}},
                                          SessionEnded{"t1", 1, "closed"}})
                  .ok());

  clock.Advance(std::int64_t{7} * 24 * 3600 * 1'000'000'000 - 1'000'000);  // 1 ms short of the retention
  ASSERT_TRUE(WriteContacts(writer, {MakeContact("ch", "d", "new", "w")}).status.ok());
  StatusOr<PruneResult> early = PruneAndWait(writer);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->contacts, 0u);
  EXPECT_EQ(early->session_events, 0u);

  clock.Advance(2'000'000);  // now 1 ms past
  StatusOr<PruneResult> pruned = PruneAndWait(writer);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->contacts, 2u) << "old-ended and old-loose";
  EXPECT_EQ(pruned->session_events, 2u) << "session 1 ended more than 7 days ago: its opening and its end";
  EXPECT_EQ(pruned->passes, 1u);

  auto reader = db->OpenReader();
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(*ContainsContactKey(**reader, "ch", "old-ended"));
  EXPECT_FALSE(*ContainsContactKey(**reader, "ch", "old-loose"));
  EXPECT_TRUE(*ContainsContactKey(**reader, "ch", "old-open")) << "its session is still open";
  EXPECT_TRUE(*ContainsContactKey(**reader, "ch", "new"));
  // The three old contacts shared one contact_log row, rewritten with the one kept.
  StatusOr<OpenState> state = LoadOpenState(**reader);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u);
  EXPECT_EQ(state->sessions[0].contacts[0]->text, "y");
  EXPECT_EQ(state->sessions[0].contacts[0]->customer_id, "b");
  // A retry of a pruned key is new again.
  auto again = WriteContacts(writer, {MakeContact("ch", "a", "old-ended", "x")});
  EXPECT_EQ(again.outcome, (std::vector<ContactWrite>{ContactWrite::kInserted}));
  JournalStats s = writer.stats();
  EXPECT_EQ(s.pruned_contacts, 2u);
  EXPECT_EQ(s.pruned_session_events, 2u);
  EXPECT_EQ(s.prune_passes, 2u);
}

TEST(JournalWriterTest, PruneWorksInBoundedPasses) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o = NoPeriodicPrune();
  o.prune_rows_per_pass = 2;
  JournalWriter writer(*db, clock, o);
  ASSERT_TRUE(writer.Start().ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(WriteContacts(writer, {MakeContact("ch", "a", "m" + std::to_string(i), "x")}).status.ok());
  }
  clock.Advance(std::int64_t{8} * 24 * 3600 * 1'000'000'000);
  StatusOr<PruneResult> pruned = PruneAndWait(writer);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(pruned->contacts, 5u);
  EXPECT_EQ(pruned->passes, 3u) << "2 + 2 + 1 rows, one transaction each";
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 0);
}

TEST(JournalWriterTest, PeriodicPruneRunsWithoutBeingAsked) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriterOptions o;
  o.prune_interval_ms = 1;
  JournalWriter writer(*db, clock, o);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(WriteContacts(writer, {MakeContact("ch", "a", "old", "x")}).status.ok());
  clock.Advance(std::int64_t{8} * 24 * 3600 * 1'000'000'000);
  // Waits for the writer's own timer; the deadline only guards against a hang.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer.stats().pruned_contacts == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(writer.stats().pruned_contacts, 1u);
  EXPECT_EQ(CountRows(*db, "SELECT COUNT(*) FROM contacts"), 0);
}

TEST(JournalWriterTest, StartTwiceAndFlushFromTheWriterThreadAreRefused) {
  TempDir dir;
  auto db = OpenOrDie(Options(dir));
  ManualClock clock;
  JournalWriter writer(*db, clock, NoPeriodicPrune());
  ASSERT_TRUE(writer.Start().ok());
  EXPECT_EQ(writer.Start().code(), StatusCode::kFailedPrecondition);
  std::promise<Status> inner;
  auto inner_status = inner.get_future();
  ASSERT_TRUE(writer.Submit(MakeSessionEventsRecord({}, [&](const Status&) { inner.set_value(writer.Flush()); })).ok());
  EXPECT_EQ(inner_status.get().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace routerd::storage
