// Cluster mode on PostgreSQL, the journal's side: an owner's batches fenced by
// its lease epochs, contacts stored by an instance that does not route their
// tenant going to the owner's inbox (with a NOTIFY at commit), the owner
// taking them, and a tenant's state loaded when an instance takes it over.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage/cluster_store.h"
#include "engine/storage/postgresql/pg_journal_records.h"
#include "engine/storage/postgresql/pg_writer.h"
#include "engine/storage/storage.h"
#include "tests/storage/cluster_test_util.h"
#include "tests/storage/storage_backends.h"

namespace routerd::storage {
namespace {

using testing::BackendLocation;
using testing::BackendParam;
using testing::ClaimOrFail;
using testing::Keys;
using testing::MakeContact;
using testing::WriteContactsAt;
using testing::WriteFenced;

using Writes = std::vector<ContactWrite>;
constexpr ContactWrite kInserted = ContactWrite::kInserted;
constexpr ContactWrite kDuplicate = ContactWrite::kDuplicate;
constexpr ContactWrite kForOwner = ContactWrite::kStoredForOwner;

ContactPtr C(const std::string& key, const std::string& tenant = "t1") {
  return MakeContact("wa-" + tenant, "cust-" + key, key, "text " + key, 1'700'000'000'000, tenant);
}

SessionOpened Opened(const std::string& tenant, std::uint64_t id, const ContactPtr& first) {
  return SessionOpened{tenant, id, "whatsapp", first->channel_id, first->customer_id, "sales", 1000, {first}};
}

// Instances "a" and "b" on one database, each with its storage and a session.
class PgClusterJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = testing::OpenInstance(where_, clock_, "a");
    b_ = testing::OpenInstance(where_, clock_, "b");
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
    sa_ = testing::Connect(*a_);
    sb_ = testing::Connect(*b_);
    ASSERT_NE(sa_, nullptr);
    ASSERT_NE(sb_, nullptr);
  }

  std::string Sql(const std::string& sql) {
    StatusOr<std::string> r = where_.Psql(sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : "(failed)";
  }

  BackendLocation where_{BackendParam{"postgresql", 1}};
  ManualClock clock_;
  std::unique_ptr<Storage> a_, b_;
  std::unique_ptr<ClusterSession> sa_, sb_;
};

TEST_F(PgClusterJournalTest, AStaleEpochRefusesOnlyItsOwnRecordAndTheRestOfTheBatchIsStored) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t2"), 1u);
  // t1 moves on to b while a still believes it holds it at epoch 1.
  ASSERT_TRUE(sa_->Release("a", HeldLease{"t1", 1}).ok());
  ASSERT_EQ(ClaimOrFail(*sb_, "b", "t1"), 2u);

  PgWriterOptions o;
  o.conninfo = where_.url();
  o.prune_interval_ms = 0;
  o.cluster_instance_id = "a";
  PgWriter writer(clock_, o);
  ASSERT_TRUE(writer.Start().ok());
  std::promise<Status> stale, held;
  std::promise<std::pair<Status, Writes>> contacts, unkeyed;
  auto on_contacts = [](std::promise<std::pair<Status, Writes>>& p) {
    return [&p](const Status& s, std::span<const ContactWrite> o) { p.set_value({s, Writes(o.begin(), o.end())}); };
  };
  ContactPtr no_key = MakeContact("wa-t2", "cust-x", "", "no key", 1'700'000'000'000, "t2");
  std::vector<PgRecordPtr> batch;
  batch.push_back(MakePgFencedSessionEventsRecord({Opened("t1", 1, C("k1"))}, 1,
                                                  [&](const Status& s) { stale.set_value(s); }));
  batch.push_back(MakePgFencedSessionEventsRecord({Opened("t2", 2, C("k2", "t2"))}, 1,
                                                  [&](const Status& s) { held.set_value(s); }));
  batch.push_back(MakePgAcceptedContactsRecord(AcceptedContacts{"t2", "wa-t2", "whatsapp", {C("k3", "t2")}, 1},
                                               on_contacts(contacts)));
  batch.push_back(MakePgAcceptedContactsRecord(AcceptedContacts{"t2", "wa-t2", "whatsapp", {no_key}, 1},
                                               on_contacts(unkeyed)));
  ASSERT_TRUE(writer.SubmitAll(std::move(batch)).ok());

  Status s = stale.get_future().get();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("lease of tenant t1 at epoch 1 is no longer held"), std::string::npos) << s.ToString();
  EXPECT_TRUE(held.get_future().get().ok());
  auto [cs, co] = contacts.get_future().get();
  EXPECT_TRUE(cs.ok()) << cs.ToString();
  EXPECT_EQ(co, Writes{kInserted});
  Status us = unkeyed.get_future().get().first;
  EXPECT_EQ(us.code(), StatusCode::kInvalidArgument) << us.ToString();
  EXPECT_EQ(writer.stats().batches, 1u) << "the records were not written as one batch";
  writer.Stop();

  EXPECT_EQ(Sql("SELECT string_agg(DISTINCT tenant_id, ',') FROM session_events"), "t2");
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',') FROM contacts"), "k3");
  EXPECT_EQ(Sql("SELECT count(*) FROM contact_inbox"), "0");
}

TEST_F(PgClusterJournalTest, FencedEventsAreStoredAtTheHeldEpochOnlyAndOfOneTenantOnly) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  EXPECT_TRUE(WriteFenced(*a_, {Opened("t1", 1, C("k1"))}, 1).ok());
  Status lost = WriteFenced(*a_, {Opened("t1", 2, C("k2"))}, 2);
  EXPECT_EQ(lost.code(), StatusCode::kFailedPrecondition) << lost.ToString();
  Status not_mine = WriteFenced(*b_, {Opened("t1", 3, C("k3"))}, 1);
  EXPECT_EQ(not_mine.code(), StatusCode::kFailedPrecondition) << "b wrote under a's lease";
  Status mixed = a_->AppendFencedSessionEvents({Opened("t1", 4, C("k4")), Opened("t2", 5, C("k5", "t2"))}, 1,
                                               [](const Status&) {});
  EXPECT_EQ(mixed.code(), StatusCode::kInvalidArgument) << mixed.ToString();
  ASSERT_TRUE(a_->Flush().ok());
  EXPECT_EQ(Sql("SELECT string_agg(session_id::text, ',') FROM session_events"), "1");
}

TEST_F(PgClusterJournalTest, ARouteTraceInAFencedBatchIsStoredOnlyUnderTheHeldLease) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  EXPECT_TRUE(WriteFenced(*a_, {Opened("t1", 1, C("k1")), SessionEnded{"t1", 1, "closed"},
                                SessionTraceKept{"t1", 1, "{\"by\":\"a\"}"}},
                          1)
                  .ok());
  Status lost = WriteFenced(*a_, {SessionTraceKept{"t1", 2, "{\"stale\":true}"}}, 2);
  EXPECT_EQ(lost.code(), StatusCode::kFailedPrecondition) << lost.ToString();
  Status not_mine = WriteFenced(*b_, {SessionTraceKept{"t1", 1, "{\"by\":\"b\"}"}}, 1);
  EXPECT_EQ(not_mine.code(), StatusCode::kFailedPrecondition) << "b wrote under a's lease";

  EXPECT_EQ(Sql("SELECT count(*) FROM session_events WHERE kind = 7"), "1");
  for (Storage* reader : {a_.get(), b_.get()}) {  // any instance reads it
    StatusOr<std::optional<StoredSessionTrace>> got = reader->LoadSessionTrace("t1", 1);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    ASSERT_TRUE(got->has_value());
    EXPECT_EQ((*got)->trace, "{\"by\":\"a\"}");
  }
  StatusOr<std::optional<StoredSessionTrace>> stale = a_->LoadSessionTrace("t1", 2);
  ASSERT_TRUE(stale.ok()) << stale.status().ToString();
  EXPECT_FALSE(stale->has_value());
}

TEST_F(PgClusterJournalTest, ContactsNotRoutedByTheOwnerGoToItsInboxAndAreTakenOnceInOrder) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  EXPECT_EQ(WriteContactsAt(*b_, {C("k1"), C("k2")}, 0).outcome, (Writes{kForOwner, kForOwner}));
  EXPECT_EQ(WriteContactsAt(*b_, {C("k1")}, 0).outcome, Writes{kDuplicate});
  EXPECT_EQ(WriteContactsAt(*a_, {C("k3")}, 1).outcome, Writes{kInserted}) << "the owner routes it itself";
  EXPECT_EQ(WriteContactsAt(*a_, {C("k4"), C("k3")}, 7).outcome, (Writes{kForOwner, kDuplicate}))
      << "a lease not held at the record's epoch";
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',' ORDER BY seq) FROM contact_inbox"), "k1,k2,k4");

  StatusOr<std::vector<ContactPtr>> not_owner = sb_->TakeInbox("b", {HeldLease{"t1", 1}}, 10);
  ASSERT_TRUE(not_owner.ok()) << not_owner.status().ToString();
  EXPECT_TRUE(not_owner->empty());
  StatusOr<std::vector<ContactPtr>> wrong_epoch = sa_->TakeInbox("a", {HeldLease{"t1", 2}}, 10);
  ASSERT_TRUE(wrong_epoch.ok());
  EXPECT_TRUE(wrong_epoch->empty());

  StatusOr<std::vector<ContactPtr>> first = sa_->TakeInbox("a", {HeldLease{"t1", 1}}, 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Keys(*first), (std::vector<std::string>{"k1", "k2"}));
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0]->customer_id, "cust-k1");
  EXPECT_EQ((*first)[0]->text, "text k1");
  EXPECT_EQ((*first)[0]->tenant_id, "t1");
  StatusOr<std::vector<ContactPtr>> rest = sa_->TakeInbox("a", {HeldLease{"t1", 1}}, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(Keys(*rest), std::vector<std::string>{"k4"});
  StatusOr<std::vector<ContactPtr>> none = sa_->TakeInbox("a", {HeldLease{"t1", 1}}, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "an inbox contact was taken twice";
}

TEST_F(PgClusterJournalTest, LeaveMessageContactsAreStoredAsKeysButNeverSentToTheInbox) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  AcceptedContacts mixed{"t1", "wa-t1", "whatsapp", {C("r1"), C("l1"), C("l2")}, 0};
  mixed.leave_from = 1;
  std::promise<std::pair<Status, Writes>> done;
  ASSERT_TRUE(b_->AppendContacts(std::move(mixed), [&](const Status& s, std::span<const ContactWrite> o) {
                  done.set_value({s, Writes(o.begin(), o.end())});
                }).ok());
  auto [status, outcome] = done.get_future().get();
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(outcome, (Writes{kForOwner, kInserted, kInserted}));
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',' ORDER BY seq) FROM contact_inbox"), "r1");
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',' ORDER BY seq) FROM contacts"), "r1,l1,l2");
}

TEST_F(PgClusterJournalTest, TakeInboxLeavesTheRowsOfTenantsWhoseLeaseIsNotHeld) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  ASSERT_EQ(ClaimOrFail(*sb_, "b", "t2"), 1u);
  EXPECT_EQ(WriteContactsAt(*b_, {C("x1")}, 0).outcome, Writes{kForOwner});
  EXPECT_EQ(WriteContactsAt(*a_, {C("y1", "t2")}, 0).outcome, Writes{kForOwner});
  StatusOr<std::vector<ContactPtr>> took = sa_->TakeInbox("a", {HeldLease{"t1", 1}, HeldLease{"t2", 1}}, 10);
  ASSERT_TRUE(took.ok()) << took.status().ToString();
  EXPECT_EQ(Keys(*took), std::vector<std::string>{"x1"});
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',') FROM contact_inbox"), "y1");
}

TEST_F(PgClusterJournalTest, LoadTenantReturnsOnlyThatTenantsStateAndEmptiesOnlyItsInbox) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t2"), 1u);
  ASSERT_EQ(WriteContactsAt(*a_, {C("p1"), C("p5"), C("p2")}, 1).outcome, (Writes{kInserted, kInserted, kInserted}));
  ASSERT_EQ(WriteContactsAt(*a_, {C("q1", "t2")}, 1).outcome, Writes{kInserted});
  ASSERT_TRUE(WriteFenced(*a_, {Opened("t1", 3, C("p1")), Opened("t1", 5, C("p5")), SessionEnded{"t1", 5, "closed"}},
                          1).ok());
  ASSERT_TRUE(WriteFenced(*a_, {Opened("t2", 9, C("q1", "t2"))}, 1).ok());
  ASSERT_EQ(WriteContactsAt(*b_, {C("i1")}, 0).outcome, Writes{kForOwner});
  ASSERT_EQ(WriteContactsAt(*b_, {C("q2", "t2")}, 0).outcome, Writes{kForOwner});

  StatusOr<OpenState> t1 = sb_->LoadTenant("a", HeldLease{"t1", 1});
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  ASSERT_EQ(t1->sessions.size(), 1u);
  EXPECT_EQ(t1->sessions[0].tenant_id, "t1");
  EXPECT_EQ(t1->sessions[0].session_id, 3u);
  EXPECT_EQ(Keys(t1->sessions[0].contacts), std::vector<std::string>{"p1"});
  EXPECT_EQ(Keys(t1->pending_contacts), (std::vector<std::string>{"p2", "i1"}));
  EXPECT_EQ(t1->max_session_id, (std::map<std::string, std::uint64_t>{{"t1", 5}}));
  EXPECT_EQ(Sql("SELECT string_agg(provider_message_id, ',') FROM contact_inbox"), "q2");

  StatusOr<OpenState> t2 = sa_->LoadTenant("a", HeldLease{"t2", 1});
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  ASSERT_EQ(t2->sessions.size(), 1u);
  EXPECT_EQ(t2->sessions[0].session_id, 9u);
  EXPECT_EQ(Keys(t2->pending_contacts), std::vector<std::string>{"q2"});
  EXPECT_EQ(Sql("SELECT count(*) FROM contact_inbox"), "0");

  StatusOr<OpenState> stale = sa_->LoadTenant("a", HeldLease{"t1", 2});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition) << stale.status().ToString();
  StatusOr<OpenState> not_owner = sb_->LoadTenant("b", HeldLease{"t1", 1});
  ASSERT_FALSE(not_owner.ok());
  EXPECT_EQ(not_owner.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(PgClusterJournalTest, TheOwnerHearsOfItsInboxAtTheCommitAndNothingOtherwise) {
  ASSERT_EQ(ClaimOrFail(*sa_, "a", "t1"), 1u);
  ASSERT_TRUE(sa_->Listen(kInboxChannel).ok());
  ASSERT_EQ(WriteContactsAt(*a_, {C("k1")}, 1).outcome, Writes{kInserted});
  StatusOr<std::vector<ClusterNotification>> quiet = sa_->Wait(std::chrono::milliseconds(200));
  ASSERT_TRUE(quiet.ok()) << quiet.status().ToString();
  EXPECT_TRUE(quiet->empty()) << "a contact the owner routes itself notified its inbox";

  ASSERT_EQ(WriteContactsAt(*b_, {C("k2"), C("k3")}, 0).outcome, (Writes{kForOwner, kForOwner}));
  StatusOr<std::vector<ClusterNotification>> got = sa_->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u) << "one NOTIFY per tenant and commit";
  EXPECT_EQ((*got)[0].channel, kInboxChannel);
  EXPECT_EQ((*got)[0].payload, "t1");
  StatusOr<std::vector<ClusterNotification>> after = sa_->Wait(std::chrono::milliseconds(200));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST(PgClusterSingleNodeTest, WithoutAnInstanceIdEpochsAreIgnoredAndNoLeaseIsNeeded) {
  BackendLocation where{BackendParam{"postgresql", 1}};
  ManualClock clock;
  auto storage = testing::OpenInstance(where, clock, "");
  ASSERT_NE(storage, nullptr);
  EXPECT_NE(storage->cluster(), nullptr);
  EXPECT_EQ(WriteContactsAt(*storage, {C("k1"), C("k1")}, 5).outcome, (Writes{kInserted, kDuplicate}));
  EXPECT_EQ(WriteContactsAt(*storage, {C("k2")}, 0).outcome, Writes{kInserted});
  EXPECT_TRUE(WriteFenced(*storage, {Opened("t1", 1, C("k1"))}, 3).ok());
  StatusOr<std::string> rows =
      where.Psql("SELECT (SELECT count(*) FROM session_events) || ',' || (SELECT count(*) FROM contact_inbox)"
                 " || ',' || (SELECT count(*) FROM tenant_leases)");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, "1,0,0");
}

}  // namespace
}  // namespace routerd::storage
