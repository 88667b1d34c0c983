// Retention and back-pressure through the Storage interface, on every
// backend: pruning forgets dedup keys past retention but keeps what open
// sessions need, and a full journal queue refuses webhook contacts first.
#include <gtest/gtest.h>

#include <future>
#include <memory>
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

class JournalRetentionTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  std::unique_ptr<Storage> Open() {
    StorageOptions o = where_.Options();
    o.retention_ms = kRetentionMs;
    return BackendLocation::OpenWith(o, clock_);
  }
  static StatusOr<PruneResult> PruneAndWait(Storage& s) {
    std::promise<StatusOr<PruneResult>> done;
    s.RequestPrune([&](StatusOr<PruneResult> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }
  std::vector<ContactWrite> Retry(Storage& s, const char* customer, const char* id) {
    return WriteContacts(s, {MakeContact("ch", customer, id, "again")}).outcome;
  }

  BackendLocation where_{GetParam()};
  ManualClock clock_;
};

INSTANTIATE_TEST_SUITE_P(Backends, JournalRetentionTest, AllBackends(), BackendTestName);

TEST_P(JournalRetentionTest, PruneForgetsKeysPastRetentionButKeepsWhatOpenSessionsNeed) {
  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  ContactPtr ended = MakeContact("ch", "a", "old-ended", "x");
  ContactPtr open = MakeContact("ch", "b", "old-open", "y");
  ContactPtr loose = MakeContact("ch", "c", "old-loose", "z");
  ASSERT_TRUE(WriteContacts(*storage, {ended, open, loose}).status.ok());
  ASSERT_TRUE(WriteSessionEvents(*storage, {SessionOpened{"t1", 1, "whatsapp", "ch", "a", "q", 1, {ended}},
                                            SessionOpened{"t1", 2, "whatsapp", "ch", "b", "q", 2, {open}},
                                            SessionEnded{"t1", 1, "closed"}})
                  .ok());

  clock_.Advance((kRetentionMs - 1) * 1'000'000);  // 1 ms short of the retention
  ASSERT_TRUE(WriteContacts(*storage, {MakeContact("ch", "d", "new", "w")}).status.ok());
  StatusOr<PruneResult> early = PruneAndWait(*storage);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->contacts, 0u);
  EXPECT_EQ(early->session_events, 0u);

  clock_.Advance(2'000'000);  // now 1 ms past
  StatusOr<PruneResult> pruned = PruneAndWait(*storage);
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->contacts, 2u) << "old-ended and old-loose";
  EXPECT_EQ(pruned->session_events, 2u) << "session 1 ended past retention: its opening and its end";
  EXPECT_EQ(storage->stats().pruned_contacts, 2u);

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].session_id, 2u);
  ASSERT_EQ(state->sessions[0].contacts.size(), 1u) << "an open session keeps its contacts whatever their age";
  EXPECT_EQ(state->sessions[0].contacts[0]->provider_message_id, "old-open");
  ASSERT_EQ(state->pending_contacts.size(), 1u) << "the loose contact past retention went with its key";
  EXPECT_EQ(state->pending_contacts[0]->provider_message_id, "new");
  EXPECT_EQ(state->dedup_keys, 2u) << "old-open and new";

  // A retry of a pruned key is new again; the kept ones are still duplicates.
  EXPECT_EQ(Retry(*storage, "a", "old-ended"), std::vector<ContactWrite>{ContactWrite::kInserted});
  EXPECT_EQ(Retry(*storage, "b", "old-open"), std::vector<ContactWrite>{ContactWrite::kDuplicate});
  EXPECT_EQ(Retry(*storage, "d", "new"), std::vector<ContactWrite>{ContactWrite::kDuplicate});
}

TEST_P(JournalRetentionTest, AFullQueueRefusesWebhookContactsFirstAndSessionEventsLater) {
  // Not started: nothing drains the queue. 1024 records per writer, webhook
  // contacts refused from three quarters of it.
  StorageOptions o = where_.Options({"t1"});
  o.queue_capacity = 1024;
  StatusOr<std::unique_ptr<Storage>> s = OpenStorage(o, clock_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  int accepted = 0;
  Status refused;
  for (int i = 0; i < 2000 && refused.ok(); ++i) {
    AcceptedContacts record{"t1", "ch", "whatsapp", {MakeContact("ch", "a", "m" + std::to_string(i), "x")}};
    refused = (*s)->AppendContacts(std::move(record), {});
    if (refused.ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 768);
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted) << refused.ToString();
  // What the router makes of contacts already accepted still finds room.
  Status events = (*s)->AppendSessionEvents({SessionOpened{"t1", 1, "whatsapp", "ch", "a", "q", 1, {}}});
  EXPECT_TRUE(events.ok()) << events.ToString();
  EXPECT_GE((*s)->stats().refused, 1u);
}

}  // namespace
}  // namespace routerd::storage
