// The leave-message repository on every backend: query filters, pages and
// their cursors, and tenancy (the fixture: leave_store_fixture.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/storage/leave_store_fixture.h"

namespace routerd::storage::leave_store_testing {
namespace {

TEST_P(LeaveMessageStoreTest, QueryFiltersAloneAndCombined) {
  // id1: web 111 unprocessed E1 | id2: voice 222 to_be_allocated | id3: whatsapp 111 processing E2
  // id4: web 333 allocation_failed | id5: web 111 processed E1 (queue q2) | another tenant: web 111
  std::int64_t id1 = Create(Web("t1", "111", kT0 + 1000));
  VoiceMessage v;
  v.tenant_id = "t1";
  v.contact_number = "222";
  v.audio = "RIFF....WAVE";
  v.mime = "audio/wav";
  v.created_at_ms = kT0 + 2000;
  StatusOr<StoredLeaveMessage> voice = store_->CreateVoice(v, Actor{"ivr", ""});
  ASSERT_TRUE(voice.ok()) << voice.status().ToString();
  EXPECT_EQ(voice->attachment_mime, "audio/wav") << "the uploaded type is kept for the download";
  std::int64_t id2 = voice->id;
  std::int64_t id3 = Create(Web("t1", "111", kT0 + 3000, "whatsapp"));
  std::int64_t id4 = Create(Web("t1", "333", kT0 + 4000));
  std::int64_t id5 = Create(Web("t1", "111", kT0 + 5000, "web", "q2"));
  std::int64_t other = Create(Web("t2", "111", kT0 + 3500));
  ASSERT_TRUE(store_->Allocate("t1", id1, "E1", "a1", kAdmin).ok());
  ASSERT_TRUE(store_->Allocate("t1", id3, "E2", "a2", kAdmin).ok());
  ASSERT_TRUE(store_->Process("t1", id3, kAdmin).ok());
  ASSERT_TRUE(store_->MarkAllocationFailed("t1", id4, kRouter).ok());
  ASSERT_TRUE(store_->Allocate("t1", id5, "E1", "a1", kAdmin).ok());
  ASSERT_TRUE(store_->Process("t1", id5, kAdmin).ok());
  ASSERT_TRUE(store_->SubmitHandling("t1", id5, "ok", kAdmin).ok());
  ASSERT_TRUE(store_->Allocate("t2", other, "E1", "a1", kAdmin).ok());

  using V = std::vector<std::int64_t>;
  auto q = [&](LeaveQuery query) { return Ids(QueryOrDie("t1", query)); };
  LeaveQuery all;
  EXPECT_EQ(q(all), (V{id5, id4, id3, id2, id1})) << "newest first";
  EXPECT_EQ(QueryOrDie("t1", all).total, 5u);

  LeaveQuery window;
  window.from_ms = kT0 + 2000;
  window.to_ms = kT0 + 4000;
  EXPECT_EQ(q(window), (V{id3, id2})) << "from inclusive, to exclusive";
  LeaveQuery since;
  since.from_ms = kT0 + 4000;
  EXPECT_EQ(q(since), (V{id5, id4}));
  LeaveQuery until;
  until.to_ms = kT0 + 2000;
  EXPECT_EQ(q(until), (V{id1}));

  LeaveQuery contact;
  contact.contact_number = "111";
  EXPECT_EQ(q(contact), (V{id5, id3, id1}));

  const std::pair<LeaveStatus, V> by_status[] = {{LeaveStatus::kToBeAllocated, {id2}},
                                                  {LeaveStatus::kUnprocessed, {id1}},
                                                  {LeaveStatus::kProcessing, {id3}},
                                                  {LeaveStatus::kProcessed, {id5}},
                                                  {LeaveStatus::kAllocationFailed, {id4}}};
  for (const auto& [status, ids] : by_status) {
    LeaveQuery s;
    s.status = status;
    EXPECT_EQ(q(s), ids) << LeaveStatusName(status);
  }

  LeaveQuery employee;
  employee.employee_id = "E1";
  EXPECT_EQ(q(employee), (V{id5, id1}));
  LeaveQuery web;
  web.channel_kind = "web";
  EXPECT_EQ(q(web), (V{id5, id4, id1}));
  LeaveQuery voice_only;
  voice_only.channel_kind = "voice";
  EXPECT_EQ(q(voice_only), (V{id2}));
  LeaveQuery queue;
  queue.skill_queue = "q2";
  EXPECT_EQ(q(queue), (V{id5}));

  LeaveQuery contact_web = contact;
  contact_web.channel_kind = "web";
  EXPECT_EQ(q(contact_web), (V{id5, id1}));
  LeaveQuery contact_employee_window = contact;
  contact_employee_window.employee_id = "E1";
  contact_employee_window.from_ms = kT0 + 2000;
  EXPECT_EQ(q(contact_employee_window), (V{id5}));
  LeaveQuery web_failed = web;
  web_failed.status = LeaveStatus::kAllocationFailed;
  EXPECT_EQ(q(web_failed), (V{id4}));
  LeaveQuery voice_111 = voice_only;
  voice_111.contact_number = "111";
  EXPECT_EQ(q(voice_111), V{});
  EXPECT_EQ(QueryOrDie("t1", voice_111).total, 0u);
  LeaveQuery everything;
  everything.from_ms = kT0;
  everything.to_ms = kT0 + 10'000;
  everything.contact_number = "111";
  everything.status = LeaveStatus::kUnprocessed;
  everything.employee_id = "E1";
  everything.channel_kind = "web";
  everything.skill_queue = "q1";
  EXPECT_EQ(q(everything), (V{id1}));

  LeaveQuery oldest = all;
  oldest.oldest_first = true;
  EXPECT_EQ(q(oldest), (V{id1, id2, id3, id4, id5}));
  LeaveQuery to_allocate;
  to_allocate.status = LeaveStatus::kToBeAllocated;
  to_allocate.oldest_first = true;
  EXPECT_EQ(Ids(QueryOrDie("t2", to_allocate)), V{}) << "t2's only message is allocated";

  LeaveQuery reversed;
  reversed.from_ms = kT0 + 5;
  reversed.to_ms = kT0 + 1;
  EXPECT_EQ(store_->Query("t1", reversed).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(LeaveMessageStoreTest, PagesAreNewestFirstAndCursorsContinueExactly) {
  // Two pairs share a creation time: the id breaks the tie.
  const std::int64_t created[] = {100, 200, 200, 300, 400, 400, 500};
  std::vector<std::int64_t> ids;
  for (std::int64_t c : created) ids.push_back(Create(Web("t1", "777", kT0 + c)));
  using V = std::vector<std::int64_t>;

  LeaveQuery q;
  q.page_size = 3;
  LeavePage p1 = QueryOrDie("t1", q);
  EXPECT_EQ(Ids(p1), (V{ids[6], ids[5], ids[4]}));
  EXPECT_EQ(p1.total, 7u);
  ASSERT_FALSE(p1.next_cursor.empty());
  q.cursor = p1.next_cursor;
  LeavePage p2 = QueryOrDie("t1", q);
  EXPECT_EQ(Ids(p2), (V{ids[3], ids[2], ids[1]}));
  EXPECT_EQ(p2.total, 7u);
  q.cursor = p2.next_cursor;
  LeavePage p3 = QueryOrDie("t1", q);
  EXPECT_EQ(Ids(p3), (V{ids[0]}));
  EXPECT_TRUE(p3.next_cursor.empty()) << "last page";

  // A page that ends exactly at the last message has no next cursor either.
  LeaveQuery exact;
  exact.page_size = 7;
  EXPECT_TRUE(QueryOrDie("t1", exact).next_cursor.empty());
  EXPECT_EQ(QueryOrDie("t1", exact).items.size(), 7u);

  LeaveQuery oldest;
  oldest.page_size = 4;
  oldest.oldest_first = true;
  LeavePage o1 = QueryOrDie("t1", oldest);
  EXPECT_EQ(Ids(o1), (V{ids[0], ids[1], ids[2], ids[3]}));
  oldest.cursor = o1.next_cursor;
  EXPECT_EQ(Ids(QueryOrDie("t1", oldest)), (V{ids[4], ids[5], ids[6]}));

  // Messages created while paging do not shift the pages already cursored past.
  LeaveQuery resume;
  resume.page_size = 3;
  resume.cursor = p1.next_cursor;
  Create(Web("t1", "777", kT0 + 600));
  EXPECT_EQ(Ids(QueryOrDie("t1", resume)), (V{ids[3], ids[2], ids[1]}));

  EXPECT_EQ(QueryOrDie("t1", LeaveQuery{}).items.size(), 8u) << "default page size 50";
  LeaveQuery bad_cursor;
  bad_cursor.cursor = "12x";
  EXPECT_EQ(store_->Query("t1", bad_cursor).status().code(), StatusCode::kInvalidArgument);
  LeaveQuery too_big;
  too_big.page_size = leave::kMaxLeavePageSize + 1;
  EXPECT_EQ(store_->Query("t1", too_big).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(LeaveMessageStoreTest, ATenantCannotSeeOrChangeAnotherTenantsMessage) {
  std::int64_t theirs = Create(Web("tenant-b", "999", kT0));
  std::int64_t mine = Create(Web("tenant-a", "999", kT0));

  auto not_found = [&](const Status& s) {
    EXPECT_EQ(s.code(), StatusCode::kNotFound) << s.ToString();
    EXPECT_EQ(s.message(), "leave message " + std::to_string(theirs) + " not found");
  };
  not_found(store_->Get("tenant-a", theirs).status());
  not_found(store_->History("tenant-a", theirs).status());
  not_found(store_->Allocate("tenant-a", theirs, "E1", "a", kAdmin).status());
  not_found(store_->MarkAllocationFailed("tenant-a", theirs, kAdmin).status());
  not_found(store_->Process("tenant-a", theirs, kAdmin).status());
  not_found(store_->SubmitHandling("tenant-a", theirs, "x", kAdmin).status());
  not_found(store_->RecordAudit("tenant-a", theirs, LeaveAudit::kDownload, "voice", kAdmin).status());
  EXPECT_EQ(Ids(QueryOrDie("tenant-a", {})), (std::vector<std::int64_t>{mine}));
  LeaveQuery by_contact;
  by_contact.contact_number = "999";
  EXPECT_EQ(QueryOrDie("tenant-a", by_contact).total, 1u);

  StoredLeaveMessage untouched = GetOrDie("tenant-b", theirs);
  EXPECT_EQ(untouched.status, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(HistoryOrDie("tenant-b", theirs).size(), 1u) << "no transition and no download recorded";
  EXPECT_EQ(store_->Get("tenant-a", 123456).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace routerd::storage::leave_store_testing
