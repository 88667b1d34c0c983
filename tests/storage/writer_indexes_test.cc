// A restart reads each journal log once: recovery (LoadOpenState) builds the
// indexes each writer needs, and a writer started afterwards uses them
// (JournalWriter::Preload) instead of reading the logs again.
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::MakeContact;
using testing::OpenStorageOrDie;
using testing::TempDir;

TEST(WriterIndexesTest, AWriterStartedAfterRecoveryKnowsEveryStoredKeyAndEveryOpenSession) {
  TempDir dir;
  ManualClock clock;
  StorageOptions o;
  o.data_dir = dir.data_dir();
  o.partitions = 2;
  o.prune_interval_ms = 0;
  o.tenants = {"t1", "t2"};
  std::vector<ContactPtr> stored;
  {
    auto storage = OpenStorageOrDie(dir.data_dir(), 2, clock, {"t1", "t2"});
    ASSERT_NE(storage, nullptr);
    for (const char* tenant : {"t1", "t2"}) {
      ContactPtr open = MakeContact("ch-" + std::string(tenant), "a", "open", "still here", 1, tenant);
      ContactPtr ended = MakeContact("ch-" + std::string(tenant), "b", "ended", "gone", 1, tenant);
      ASSERT_TRUE(testing::WriteContacts(*storage, {open, ended}).status.ok());
      ASSERT_TRUE(testing::WriteSessionEvents(*storage, {SessionOpened{tenant, 1, "whatsapp", open->channel_id, "a",
                                                                        "q", 1, {open}},
                                                         SessionOpened{tenant, 2, "whatsapp", ended->channel_id, "b",
                                                                       "q", 2, {ended}},
                                                         SessionEnded{tenant, 2, "closed"}})
                      .ok());
      stored.push_back(open);
      stored.push_back(ended);
    }
    storage->Stop();
  }

  StatusOr<std::unique_ptr<SqliteStorage>> storage = SqliteStorage::Open(o, clock);
  ASSERT_TRUE(storage.ok()) << storage.status().ToString();
  StatusOr<OpenState> state = (*storage)->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->sessions.size(), 2u) << "session 1 of each tenant";
  ASSERT_TRUE((*storage)->Start().ok());

  // Every stored key is a duplicate; a new one is not.
  for (const ContactPtr& c : stored) {
    EXPECT_EQ(testing::WriteContacts(**storage, {c}).outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate}))
        << c->tenant_id << " " << c->provider_message_id;
  }
  EXPECT_EQ(testing::WriteContacts(**storage, {MakeContact("ch-t1", "c", "new", "x")}).outcome,
            (std::vector<ContactWrite>{ContactWrite::kInserted}));

  // Past retention, the open sessions keep their contacts: the writers know
  // which sessions are open.
  clock.Advance(std::int64_t{8} * 24 * 3600 * 1'000'000'000);
  std::promise<StatusOr<PruneResult>> done;
  (*storage)->RequestPrune([&](StatusOr<PruneResult> r) { done.set_value(std::move(r)); });
  StatusOr<PruneResult> pruned = done.get_future().get();
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_EQ(pruned->contacts, 3u) << "each tenant's ended contact, and the new one";
  StatusOr<OpenState> after = (*storage)->LoadOpenState();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ASSERT_EQ(after->sessions.size(), 2u);
  for (const RecoveredSession& session : after->sessions) {
    ASSERT_EQ(session.contacts.size(), 1u) << session.tenant_id;
    EXPECT_EQ(session.contacts[0]->text, "still here");
  }
}

}  // namespace
}  // namespace routerd::storage
