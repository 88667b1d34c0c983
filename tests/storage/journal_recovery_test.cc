#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/storage/storage.h"

#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using testing::MakeContact;
using testing::AllBackends;
using testing::BackendLocation;
using testing::BackendParam;
using testing::BackendTestName;
using testing::WriteContacts;
using testing::WriteSessionEvents;

// Every test runs with one partition and with four: tenants t1 and t2 then
// live in different files, and recovery merges them.
class JournalRecoveryTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  std::unique_ptr<Storage> Open() { return where_.Open(clock_); }
  BackendLocation where_{GetParam()};
  ManualClock clock_;
};

INSTANTIATE_TEST_SUITE_P(Backends, JournalRecoveryTest, AllBackends(), BackendTestName);

std::vector<std::string> Ids(const std::vector<ContactPtr>& contacts) {
  std::vector<std::string> ids;
  for (const ContactPtr& c : contacts) ids.push_back(c->provider_message_id);
  return ids;
}

void ExpectSameContact(const Contact& got, const Contact& want) {
  EXPECT_EQ(got.tenant_id, want.tenant_id);
  EXPECT_EQ(got.channel_kind, want.channel_kind);
  EXPECT_EQ(got.channel_id, want.channel_id);
  EXPECT_EQ(got.customer_id, want.customer_id);
  EXPECT_EQ(got.display_name, want.display_name);
  EXPECT_EQ(got.provider_message_id, want.provider_message_id);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.sent_at_ms, want.sent_at_ms);
  EXPECT_EQ(got.received_at_ms, want.received_at_ms);
  EXPECT_EQ(got.phone, want.phone);
  ASSERT_EQ(got.attachments.size(), want.attachments.size());
  for (std::size_t i = 0; i < got.attachments.size(); ++i) {
    EXPECT_EQ(got.attachments[i].type, want.attachments[i].type);
    EXPECT_EQ(got.attachments[i].reference, want.attachments[i].reference);
    EXPECT_EQ(got.attachments[i].mime, want.attachments[i].mime);
    EXPECT_EQ(got.attachments[i].size_bytes, want.attachments[i].size_bytes);
    EXPECT_EQ(got.attachments[i].name, want.attachments[i].name);
  }
}

TEST_P(JournalRecoveryTest, ReopenReturnsOpenSessionsWithTheirContactsAndPendingContacts) {
  // A contact with attachments and the customer's phone, to check they come back too.
  auto with_media = std::make_shared<Contact>(*MakeContact("wa1", "A", "a2", "see photo", 1'700'000'000'500));
  with_media->attachments.push_back({"image", "media-123", "image/jpeg", 2048, "photo.jpg"});
  with_media->attachments.push_back({"location", "geo:1,2", "", std::nullopt, ""});
  with_media->phone = "+81312345678";
  ContactPtr a1 = MakeContact("wa1", "A", "a1", "hello from A");
  ContactPtr a2 = with_media;
  ContactPtr b1 = MakeContact("wa1", "B", "b1", "hello from B");
  ContactPtr b2 = MakeContact("wa1", "B", "b2", "B again");
  ContactPtr c1 = MakeContact("wa1", "C", "c1", "C, served and done");
  ContactPtr d1 = MakeContact("wa1", "D", "d1", "D, accepted, never routed");
  ContactPtr a3 = MakeContact("wa1", "A", "a3", "A, joined the waiting session, not yet named");
  {
    auto storage = Open();
    ASSERT_NE(storage, nullptr);
    Storage& writer = *storage;
    ASSERT_TRUE(WriteContacts(writer, {a1, a2}).status.ok());
    ASSERT_TRUE(WriteContacts(writer, {b1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(writer, {SessionOpened{"t1", 7, "whatsapp", "wa1", "B", "billing", 900, {b1}},
                                            SessionOpened{"t1", 8, "whatsapp", "wa1", "A", "sales", 1000, {a1}},
                                            SessionContactsAdded{"t1", 8, {a2}}})
                    .ok());
    ASSERT_TRUE(WriteContacts(writer, {b2, c1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(writer, {SessionContactsAdded{"t1", 7, {b2}}, SessionAssigned{"t1", 7, "E100"},
                                            SessionOpened{"t1", 9, "whatsapp", "wa1", "C", "sales", 1100, {c1}},
                                            SessionAssigned{"t1", 9, "E200"}, SessionEnded{"t1", 9, "closed"}})
                    .ok());
    ASSERT_TRUE(WriteContacts(writer, {d1, a3}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(writer, {SessionOpened{"t2", 3, "web", "w2", "Z", "q", 1200, {}}}).ok());
    writer.Stop();
  }

  auto storage = Open();
  ASSERT_NE(storage, nullptr);
  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();

  ASSERT_EQ(state->sessions.size(), 3u);
  const RecoveredSession& s7 = state->sessions[0];
  EXPECT_EQ(s7.tenant_id, "t1");
  EXPECT_EQ(s7.session_id, 7u) << "oldest arrival first";
  EXPECT_EQ(s7.arrival_ms, 900);
  EXPECT_EQ(s7.queue_id, "billing");
  EXPECT_EQ(s7.channel_kind, "whatsapp");
  EXPECT_EQ(s7.channel_id, "wa1");
  EXPECT_EQ(s7.customer_id, "B");
  EXPECT_EQ(s7.employee_id, std::optional<std::string>("E100"));
  EXPECT_EQ(Ids(s7.contacts), (std::vector<std::string>{"b1", "b2"}));

  const RecoveredSession& s8 = state->sessions[1];
  EXPECT_EQ(s8.session_id, 8u);
  EXPECT_EQ(s8.arrival_ms, 1000);
  EXPECT_EQ(s8.queue_id, "sales");
  EXPECT_FALSE(s8.employee_id.has_value()) << "still waiting";
  ASSERT_EQ(Ids(s8.contacts), (std::vector<std::string>{"a1", "a2"}));
  ExpectSameContact(*s8.contacts[0], *a1);
  ExpectSameContact(*s8.contacts[1], *a2);

  EXPECT_EQ(state->sessions[2].tenant_id, "t2");
  EXPECT_TRUE(state->sessions[2].contacts.empty());

  ASSERT_EQ(Ids(state->pending_contacts), (std::vector<std::string>{"d1", "a3"})) << "in acceptance order";
  ExpectSameContact(*state->pending_contacts[1], *a3);
  EXPECT_EQ(state->dedup_keys, 7u);
  EXPECT_EQ(state->max_session_id, (std::map<std::string, std::uint64_t>{{"t1", 9}, {"t2", 3}}));
  EXPECT_EQ(state->leave_messages, 0u);

  // Acknowledged before the restart: a provider retry after it is a duplicate.
  auto retry = WriteContacts(*storage, {a1, MakeContact("wa1", "A", "a4", "new")});
  EXPECT_EQ(retry.outcome, (std::vector<ContactWrite>{ContactWrite::kDuplicate, ContactWrite::kInserted}));
}

TEST_P(JournalRecoveryTest, ARequeuedSessionComesBackWaitingAtItsOriginalArrival) {
  ContactPtr a1 = MakeContact("wa1", "A", "a1", "x");
  {
    auto storage = Open();
    ASSERT_NE(storage, nullptr);
    Storage& writer = *storage;
    ASSERT_TRUE(WriteContacts(writer, {a1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(writer, {SessionOpened{"t1", 1, "whatsapp", "wa1", "A", "q", 5000, {a1}},
                                            SessionAssigned{"t1", 1, "E1"}, SessionRequeued{"t1", 1}})
                    .ok());
  }
  auto storage = Open();
  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].arrival_ms, 5000);
  EXPECT_FALSE(state->sessions[0].employee_id.has_value());
  EXPECT_EQ(Ids(state->sessions[0].contacts), (std::vector<std::string>{"a1"}));
  EXPECT_TRUE(state->pending_contacts.empty());
}

TEST_P(JournalRecoveryTest, EventsOnSessionsThatAreNotOpenAreStoredAndIgnoredByRecovery) {
  auto storage = Open();
  ContactPtr a1 = MakeContact("wa1", "A", "a1", "x");
  ASSERT_TRUE(WriteContacts(*storage, {a1}).status.ok());

  // Appends are not checked against the stored sessions (that would cost a
  // read per event): recovery folds the events and ignores what names a
  // session that is not open.
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionAssigned{"t1", 99, "E1"},
                                            SessionOpened{"t1", 1, "whatsapp", "wa1", "A", "q", 1, {a1}}})
                  .ok());
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionOpened{"t1", 1, "whatsapp", "wa1", "A", "other", 1, {}}}).ok());
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionEnded{"t1", 1, "closed"}}).ok());
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionEnded{"t1", 1, "closed"}}).ok());
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionContactsAdded{"t1", 1, {a1}}}).ok());
  // A contact that was never stored leaves no trace in its session.
  EXPECT_TRUE(WriteSessionEvents(*storage, {SessionOpened{"t1", 2, "whatsapp", "wa1", "B", "q", 2,
                                                          {MakeContact("wa1", "B", "never-stored", "x")}}})
                  .ok());

  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->sessions.size(), 1u);
  EXPECT_EQ(state->sessions[0].session_id, 2u);
  EXPECT_TRUE(state->sessions[0].contacts.empty());
  EXPECT_TRUE(state->pending_contacts.empty()) << "a1 went into session 1";
  EXPECT_EQ(state->max_session_id.at("t1"), 2u);
}

TEST_P(JournalRecoveryTest, ALeaveMessageEndsTheWaitingSessionAndKeepsItsContacts) {
  ContactPtr a1 = MakeContact("wa1", "A", "a1", "first");
  ContactPtr a2 = MakeContact("wa1", "A", "a2", "second");
  ContactPtr b1 = MakeContact("wa1", "B", "b1", "queue full at arrival");
  {
    auto storage = Open();
    ASSERT_NE(storage, nullptr);
    Storage& writer = *storage;
    leave::LeaveRepository& store = storage->leave_messages();
    ASSERT_TRUE(WriteContacts(writer, {a1, a2, b1}).status.ok());
    ASSERT_TRUE(WriteSessionEvents(writer, {SessionOpened{"t1", 1, "whatsapp", "wa1", "A", "q", 10, {a1, a2}}}).ok());

    leave::LeaveMessage from_session;
    from_session.tenant_id = "t1";
    from_session.channel_kind = "whatsapp";
    from_session.channel_id = "wa1";
    from_session.customer_id = "A";
    from_session.skill_queue = "q";
    from_session.reason = "max_wait";
    from_session.messages = {a1, a2};
    from_session.session_id = 1;
    leave::LeaveMessage never_routed = from_session;
    never_routed.session_id = 0;
    never_routed.customer_id = "B";
    never_routed.reason = "queue_full";
    never_routed.messages = {b1};
    std::vector<leave::LeaveMessage> batch{from_session, never_routed};
    store.Submit(std::move(batch));
    ASSERT_TRUE(writer.Flush().ok());
    EXPECT_EQ(store.stats().sink_stored, 2u);
  }
  auto storage = Open();
  StatusOr<OpenState> state = storage->LoadOpenState();
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->sessions.empty()) << "session 1 became a leave message";
  EXPECT_TRUE(state->pending_contacts.empty()) << "b1 is kept in its leave message";
  EXPECT_EQ(state->leave_messages, 2u);
  EXPECT_EQ(state->dedup_keys, 3u);
}

}  // namespace
}  // namespace routerd::storage
