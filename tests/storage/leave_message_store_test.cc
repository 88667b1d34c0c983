#include "engine/storage/sqlite/sqlite_leave_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage/sqlite/attachment_files.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage {
namespace {

using leave::Actor;
using leave::LeaveAction;
using leave::LeaveAudit;
using leave::LeaveHistoryEntry;
using leave::LeavePage;
using leave::LeaveQuery;
using leave::LeaveStatus;
using leave::StoredLeaveMessage;
using leave::VoiceMessage;
using testing::MakeContact;
using testing::ReadAll;
using testing::TempDir;

constexpr std::int64_t kT0 = 1'700'000'000'000;  // ManualClock's default wall time
const Actor kAdmin{"admin-1", ""};
const Actor kRouter{"router", ""};

std::vector<std::int64_t> Ids(const LeavePage& page) {
  std::vector<std::int64_t> ids;
  for (const StoredLeaveMessage& m : page.items) ids.push_back(m.id);
  return ids;
}

// Run with one journal partition and with four (tenants spread over them).
class LeaveMessageStoreTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  StorageOptions Options(const std::string& data_dir) {
    StorageOptions o;
    o.data_dir = data_dir;
    o.partitions = GetParam();
    o.prune_interval_ms = 0;
    o.tenants = {"t1", "t2", "tenant-a", "tenant-b"};
    return o;
  }
  void Open() {
    StatusOr<std::unique_ptr<SqliteStorage>> s = SqliteStorage::Open(Options(dir_.data_dir()), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(s).value();
    ASSERT_TRUE(storage_->Start().ok());
    store_ = static_cast<SqliteLeaveStore*>(&storage_->leave_messages());
  }
  void Close() {
    store_ = nullptr;
    storage_.reset();
  }
  JournalWriter& WriterOf(const std::string& tenant) { return *storage_->partitions().ForTenant(tenant).writer; }

  leave::LeaveMessage Web(std::string tenant, std::string customer, std::int64_t created_at_ms,
                          std::string channel_kind = "web", std::string queue = "q1") {
    leave::LeaveMessage m;
    m.tenant_id = std::move(tenant);
    m.channel_kind = std::move(channel_kind);
    m.channel_id = m.channel_kind + "-1";
    m.customer_id = std::move(customer);
    m.display_name = "Visitor";
    m.skill_queue = std::move(queue);
    m.reason = "customer";
    m.created_at_ms = created_at_ms;
    m.messages = {MakeContact(m.channel_id, m.customer_id, "p" + std::to_string(created_at_ms), "please call me",
                              created_at_ms - 10, m.tenant_id, m.channel_kind)};
    return m;
  }

  std::int64_t Create(leave::LeaveMessage m) {
    StatusOr<StoredLeaveMessage> r = store_->Create(std::move(m), kRouter);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : -1;
  }

  // A new message of tenant t1 brought to `target` through the allowed transitions.
  std::int64_t BringTo(LeaveStatus target) {
    std::int64_t id = Create(Web("t1", "555", kT0));
    auto ok = [](const StatusOr<StoredLeaveMessage>& r) { EXPECT_TRUE(r.ok()) << r.status().ToString(); };
    switch (target) {
      case LeaveStatus::kToBeAllocated:
        break;
      case LeaveStatus::kAllocationFailed:
        ok(store_->MarkAllocationFailed("t1", id, kRouter));
        break;
      case LeaveStatus::kProcessed:
      case LeaveStatus::kProcessing:
      case LeaveStatus::kUnprocessed:
        ok(store_->Allocate("t1", id, "E1", "acct-e1", kAdmin));
        if (target == LeaveStatus::kUnprocessed) break;
        ok(store_->Process("t1", id, kAdmin));
        if (target == LeaveStatus::kProcessing) break;
        ok(store_->SubmitHandling("t1", id, "done", kAdmin));
        break;
    }
    return id;
  }

  StoredLeaveMessage GetOrDie(const std::string& tenant, std::int64_t id) {
    StatusOr<StoredLeaveMessage> m = store_->Get(tenant, id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(m).value() : StoredLeaveMessage{};
  }

  std::vector<LeaveHistoryEntry> HistoryOrDie(const std::string& tenant, std::int64_t id) {
    auto h = store_->History(tenant, id);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? std::move(h).value() : std::vector<LeaveHistoryEntry>{};
  }

  LeavePage QueryOrDie(const std::string& tenant, const LeaveQuery& q) {
    StatusOr<LeavePage> page = store_->Query(tenant, q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? std::move(page).value() : LeavePage{};
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<SqliteStorage> storage_;
  SqliteLeaveStore* store_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Partitions, LeaveMessageStoreTest, ::testing::Values(1, 4),
                         [](const ::testing::TestParamInfo<int>& info) { return std::to_string(info.param); });

TEST_P(LeaveMessageStoreTest, TheSinkStoresMessagesToBeAllocatedWithTheirPartsAndHistory) {
  leave::LeaveMessage m = Web("t1", "cust-9", kT0 - 5000, "whatsapp", "billing");
  m.reason = "max_wait";
  auto second = std::make_shared<Contact>(*MakeContact("whatsapp-1", "cust-9", "p2", "", kT0 - 4000));
  second->attachments.push_back({"image", "media-77", "image/png", 1234, "shot.png"});
  m.messages.push_back(second);
  m.messages.push_back(MakeContact("whatsapp-1", "cust-9", "p3", "are you there?", kT0 - 3000));
  std::vector<leave::LeaveMessage> batch{m, Web("t1", "cust-10", kT0 - 1000)};
  store_->Submit(std::move(batch));
  ASSERT_TRUE(storage_->Flush().ok());
  EXPECT_EQ(store_->stats().sink_stored, 2u);
  EXPECT_EQ(store_->stats().sink_refused, 0u);

  LeavePage page = QueryOrDie("t1", {});
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.total, 2u);
  std::int64_t id = page.items[1].id;  // newest first: cust-9 is the older one
  StoredLeaveMessage got = GetOrDie("t1", id);
  EXPECT_EQ(got.tenant_id, "t1");
  EXPECT_EQ(got.channel_kind, "whatsapp");
  EXPECT_EQ(got.channel_id, "whatsapp-1");
  EXPECT_EQ(got.customer_id, "cust-9");
  EXPECT_EQ(got.display_name, "Visitor");
  EXPECT_EQ(got.skill_queue, "billing");
  EXPECT_EQ(got.reason, "max_wait");
  EXPECT_EQ(got.status, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(got.text, "please call me\nare you there?");
  EXPECT_EQ(got.attachment_ref, "media-77");
  EXPECT_EQ(got.attachment_mime, "image/png");
  EXPECT_EQ(got.attachment_sha256, "");
  EXPECT_EQ(got.created_at_ms, kT0 - 5000);
  EXPECT_EQ(got.updated_at_ms, kT0 - 5000);
  EXPECT_FALSE(got.employee_id.has_value());
  EXPECT_FALSE(got.business_account.has_value());
  EXPECT_FALSE(got.handling_comments.has_value());
  ASSERT_EQ(got.parts.size(), 3u);
  EXPECT_EQ(got.parts[0].text, "please call me");
  EXPECT_EQ(got.parts[1].provider_message_id, "p2");
  EXPECT_EQ(got.parts[1].sent_at_ms, kT0 - 4000);
  EXPECT_EQ(got.parts[2].text, "are you there?");
  ASSERT_EQ(got.attachments.size(), 1u);
  EXPECT_EQ(got.attachments[0].part, 1u);
  EXPECT_EQ(got.attachments[0].ref.reference, "media-77");
  EXPECT_EQ(got.attachments[0].ref.size_bytes, std::optional<std::uint64_t>(1234));
  EXPECT_EQ(got.attachments[0].ref.name, "shot.png");

  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].action, "create");
  EXPECT_EQ(h[0].actor, "router");
  EXPECT_FALSE(h[0].from.has_value());
  EXPECT_EQ(h[0].to, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(h[0].at_ms, kT0 - 5000);
  EXPECT_EQ(h[0].detail, "max_wait");
}

TEST_P(LeaveMessageStoreTest, AllocateProcessSubmitRecordsWhoWhenAndWhat) {
  std::int64_t id = Create(Web("t1", "555", kT0));

  clock_.Advance(60'000'000'000);  // +60 s
  StatusOr<StoredLeaveMessage> allocated = store_->Allocate("t1", id, "E42", "agent42@tenant", kAdmin);
  ASSERT_TRUE(allocated.ok()) << allocated.status().ToString();
  EXPECT_EQ(allocated->status, LeaveStatus::kUnprocessed);
  EXPECT_EQ(allocated->employee_id, std::optional<std::string>("E42"));
  EXPECT_EQ(allocated->business_account, std::optional<std::string>("agent42@tenant"));
  EXPECT_EQ(allocated->updated_at_ms, kT0 + 60'000);
  EXPECT_EQ(allocated->created_at_ms, kT0);

  clock_.Advance(1'000'000'000);
  StatusOr<StoredLeaveMessage> processing = store_->Process("t1", id, Actor{"agent-E42", "E42"});
  ASSERT_TRUE(processing.ok()) << processing.status().ToString();
  EXPECT_EQ(processing->status, LeaveStatus::kProcessing);
  EXPECT_EQ(processing->updated_at_ms, kT0 + 61'000);

  clock_.Advance(1'000'000'000);
  StatusOr<StoredLeaveMessage> processed =
      store_->SubmitHandling("t1", id, "Called back; customer's issue solved.", Actor{"agent-E42", "E42"});
  ASSERT_TRUE(processed.ok()) << processed.status().ToString();
  EXPECT_EQ(processed->status, LeaveStatus::kProcessed);
  EXPECT_EQ(processed->handling_comments, std::optional<std::string>("Called back; customer's issue solved."));
  EXPECT_EQ(processed->updated_at_ms, kT0 + 62'000);
  EXPECT_EQ(processed->employee_id, std::optional<std::string>("E42")) << "kept";

  StoredLeaveMessage stored = GetOrDie("t1", id);
  EXPECT_EQ(stored.status, LeaveStatus::kProcessed);
  EXPECT_EQ(stored.handling_comments, processed->handling_comments);

  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[1].action, "allocate");
  EXPECT_EQ(h[1].actor, "admin-1");
  EXPECT_EQ(h[1].at_ms, kT0 + 60'000);
  EXPECT_EQ(h[1].from, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(h[1].to, LeaveStatus::kUnprocessed);
  EXPECT_EQ(h[1].detail, "employee_id=E42 business_account=agent42@tenant");
  EXPECT_EQ(h[2].action, "process");
  EXPECT_EQ(h[2].actor, "agent-E42");
  EXPECT_EQ(h[2].from, LeaveStatus::kUnprocessed);
  EXPECT_EQ(h[2].to, LeaveStatus::kProcessing);
  EXPECT_EQ(h[3].action, "submit");
  EXPECT_EQ(h[3].at_ms, kT0 + 62'000);
  EXPECT_EQ(h[3].from, LeaveStatus::kProcessing);
  EXPECT_EQ(h[3].to, LeaveStatus::kProcessed);
  EXPECT_LT(h[0].seq, h[1].seq);
  EXPECT_LT(h[2].seq, h[3].seq);
}

TEST_P(LeaveMessageStoreTest, AllocationFailedIsAllocatedByHandByAnAdministrator) {
  std::int64_t id = Create(Web("t1", "555", kT0));
  StatusOr<StoredLeaveMessage> failed = store_->MarkAllocationFailed("t1", id, kRouter);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->status, LeaveStatus::kAllocationFailed);
  EXPECT_FALSE(failed->employee_id.has_value());

  StatusOr<StoredLeaveMessage> allocated = store_->Allocate("t1", id, "E7", "acct7", kAdmin);
  ASSERT_TRUE(allocated.ok()) << allocated.status().ToString();
  EXPECT_EQ(allocated->status, LeaveStatus::kUnprocessed);
  EXPECT_EQ(allocated->employee_id, std::optional<std::string>("E7"));
  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].action, "allocation_failed");
  EXPECT_EQ(h[1].actor, "router");
  EXPECT_EQ(h[2].from, LeaveStatus::kAllocationFailed);
  EXPECT_EQ(h[2].to, LeaveStatus::kUnprocessed);
}

TEST_P(LeaveMessageStoreTest, EveryForbiddenTransitionNamesTheCurrentStatusAndChangesNothing) {
  const LeaveStatus all[] = {LeaveStatus::kToBeAllocated, LeaveStatus::kUnprocessed, LeaveStatus::kProcessing,
                             LeaveStatus::kProcessed, LeaveStatus::kAllocationFailed};
  const LeaveAction actions[] = {LeaveAction::kAllocate, LeaveAction::kAllocationFailed, LeaveAction::kProcess,
                                 LeaveAction::kSubmit};
  int refused = 0;
  for (LeaveStatus status : all) {
    for (LeaveAction action : actions) {
      if (CheckLeaveTransition(status, action).ok()) continue;
      std::int64_t id = BringTo(status);
      StoredLeaveMessage before = GetOrDie("t1", id);
      ASSERT_EQ(before.status, status);
      std::size_t history_before = HistoryOrDie("t1", id).size();
      clock_.Advance(1'000'000'000);

      StatusOr<StoredLeaveMessage> r = Status::Internal("unset");
      switch (action) {
        case LeaveAction::kAllocate:
          r = store_->Allocate("t1", id, "E9", "acct9", kAdmin);
          break;
        case LeaveAction::kAllocationFailed:
          r = store_->MarkAllocationFailed("t1", id, kRouter);
          break;
        case LeaveAction::kProcess:
          r = store_->Process("t1", id, kAdmin);
          break;
        case LeaveAction::kSubmit:
          r = store_->SubmitHandling("t1", id, "comments", kAdmin);
          break;
      }
      SCOPED_TRACE(std::string(LeaveActionName(action)) + " from " + std::string(LeaveStatusName(status)));
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
      EXPECT_NE(r.status().message().find("leave message " + std::to_string(id)), std::string::npos)
          << r.status().message();
      EXPECT_NE(r.status().message().find("current status is \"" + std::string(LeaveStatusName(status)) + "\""),
                std::string::npos)
          << r.status().message();

      StoredLeaveMessage after = GetOrDie("t1", id);
      EXPECT_EQ(after.status, before.status);
      EXPECT_EQ(after.updated_at_ms, before.updated_at_ms);
      EXPECT_EQ(after.employee_id, before.employee_id);
      EXPECT_EQ(after.handling_comments, before.handling_comments);
      EXPECT_EQ(HistoryOrDie("t1", id).size(), history_before);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 15);
}

TEST_P(LeaveMessageStoreTest, SubmitNeedsCommentsOfAtMost2000Characters) {
  std::int64_t id = BringTo(LeaveStatus::kProcessing);
  StatusOr<StoredLeaveMessage> empty = store_->SubmitHandling("t1", id, "", kAdmin);
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "handling_comments: required, must not be empty");
  StatusOr<StoredLeaveMessage> too_long = store_->SubmitHandling("t1", id, std::string(2001, 'x'), kAdmin);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(GetOrDie("t1", id).status, LeaveStatus::kProcessing) << "a refused submit changes nothing";

  std::string exactly(2000, 'y');
  StatusOr<StoredLeaveMessage> ok = store_->SubmitHandling("t1", id, exactly, kAdmin);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(GetOrDie("t1", id).handling_comments, std::optional<std::string>(exactly));
  EXPECT_EQ(GetOrDie("t1", id).status, LeaveStatus::kProcessed);
}

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

TEST_P(LeaveMessageStoreTest, AVoiceMessageIsStoredWithItsChecksumAndEveryDownloadIsAudited) {
  VoiceMessage v;
  v.tenant_id = "t1";
  v.channel_id = "ivr-1";
  v.contact_number = "+8613800000000";
  v.skill_queue = "callback";
  v.audio = "abc";
  v.mime = "audio/mpeg";
  v.file_name = "Recording.MP3";
  StatusOr<StoredLeaveMessage> created = store_->CreateVoice(v, Actor{"ivr", ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::int64_t id = created->id;
  EXPECT_EQ(created->channel_kind, "voice");
  EXPECT_EQ(created->channel_id, "ivr-1");
  EXPECT_EQ(created->customer_id, "+8613800000000");
  EXPECT_EQ(created->reason, "voice");
  EXPECT_EQ(created->status, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(created->created_at_ms, kT0);
  EXPECT_EQ(created->attachment_ref, "voice/" + std::to_string(id) + ".mp3");
  EXPECT_EQ(created->attachment_sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string path = store_->AttachmentPath(*created);
  EXPECT_EQ(path, dir_.data_dir() + "/" + "voice/" + std::to_string(id) + ".mp3");
  EXPECT_EQ(ReadAll(path), "abc");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  StatusOr<std::string> bytes = store_->ReadVoiceAttachment(*created);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(*bytes, "abc");

  clock_.Advance(5'000'000'000);
  StatusOr<StoredLeaveMessage> d1 =
      store_->RecordAudit("t1", id, LeaveAudit::kDownload, created->attachment_ref, Actor{"admin-7", ""});
  ASSERT_TRUE(d1.ok()) << d1.status().ToString();
  EXPECT_EQ(d1->attachment_ref, created->attachment_ref);
  EXPECT_EQ(d1->status, LeaveStatus::kToBeAllocated) << "a download changes no status";
  EXPECT_EQ(d1->updated_at_ms, kT0);
  clock_.Advance(1'000'000'000);
  ASSERT_TRUE(store_->RecordAudit("t1", id, LeaveAudit::kDownload, "voice", Actor{"admin-8", ""}).ok());

  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].action, "create");
  EXPECT_EQ(h[0].actor, "ivr");
  EXPECT_EQ(h[1].action, "download");
  EXPECT_EQ(h[1].actor, "admin-7");
  EXPECT_EQ(h[1].at_ms, kT0 + 5000);
  EXPECT_EQ(h[1].from, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(h[1].to, LeaveStatus::kToBeAllocated);
  EXPECT_EQ(h[1].detail, created->attachment_ref);
  EXPECT_EQ(h[2].actor, "admin-8");
  EXPECT_EQ(h[2].at_ms, kT0 + 6000);

  // An altered file is refused, not served.
  { std::ofstream(path, std::ios::binary) << "abd"; }
  StatusOr<std::string> tampered = store_->ReadVoiceAttachment(*created);
  EXPECT_EQ(tampered.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tampered.status().message().find("does not match its recorded checksum"), std::string::npos);
  std::filesystem::remove(path);
  StatusOr<std::string> missing = store_->ReadVoiceAttachment(*created);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "the file " + created->attachment_ref + " is missing from the data directory");

  StoredLeaveMessage web = GetOrDie("t1", Create(Web("t1", "1", kT0)));
  EXPECT_EQ(store_->AttachmentPath(web), "");
  EXPECT_EQ(store_->ReadVoiceAttachment(web).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(LeaveMessageStoreTest, VoiceInputIsValidatedAtTheCall) {
  VoiceMessage v;
  v.tenant_id = "t1";
  v.audio = "x";
  EXPECT_EQ(store_->CreateVoice(v, kAdmin).status().message(), "contact_number: required");
  v.contact_number = "1";
  v.audio.clear();
  EXPECT_EQ(store_->CreateVoice(v, kAdmin).status().code(), StatusCode::kInvalidArgument);
  SqliteLeaveStore limited(storage_->partitions(), clock_, 4);
  v.audio = "12345";
  EXPECT_EQ(limited.CreateVoice(v, kAdmin).status().message(), "audio: 5 bytes, at most 4 allowed");
  v.audio = "1234";
  v.mime = "audio/wav";
  StatusOr<StoredLeaveMessage> ok = limited.CreateVoice(v, kAdmin);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->attachment_ref, "voice/" + std::to_string(ok->id) + ".wav") << "extension from the MIME type";
  EXPECT_EQ(QueryOrDie("t1", {}).total, 1u);
}

TEST_P(LeaveMessageStoreTest, AnAgentActsOnlyOnMessagesAllocatedToIt) {
  std::int64_t id = BringTo(LeaveStatus::kUnprocessed);  // allocated to E1
  StatusOr<StoredLeaveMessage> other = store_->Process("t1", id, Actor{"agent-E2", "E2"});
  EXPECT_EQ(other.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->RecordAudit("t1", id, LeaveAudit::kDownload, "voice", Actor{"agent-E2", "E2"}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(GetOrDie("t1", id).status, LeaveStatus::kUnprocessed);
  ASSERT_TRUE(store_->Process("t1", id, Actor{"agent-E1", "E1"}).ok());
  EXPECT_EQ(store_->SubmitHandling("t1", id, "x", Actor{"agent-E2", "E2"}).status().code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(store_->SubmitHandling("t1", id, "x", Actor{"agent-E1", "E1"}).ok());
}

TEST_P(LeaveMessageStoreTest, OfTwoConcurrentProcessCallsExactlyOneWins) {
  std::int64_t id = BringTo(LeaveStatus::kUnprocessed);
  std::promise<StatusOr<StoredLeaveMessage>> a, b;
  auto fa = a.get_future(), fb = b.get_future();
  bool on_writer = true;
  ASSERT_TRUE(store_->ProcessAsync("t1", id, Actor{"x", ""}, [&](StatusOr<StoredLeaveMessage> r) {
    on_writer = on_writer && WriterOf("t1").OnWriterThread();
    a.set_value(std::move(r));
  }).ok());
  ASSERT_TRUE(store_->ProcessAsync("t1", id, Actor{"y", ""}, [&](StatusOr<StoredLeaveMessage> r) {
    on_writer = on_writer && WriterOf("t1").OnWriterThread();
    b.set_value(std::move(r));
  }).ok());
  StatusOr<StoredLeaveMessage> ra = fa.get(), rb = fb.get();
  EXPECT_TRUE(on_writer) << "completions run on the writer thread";
  EXPECT_TRUE(ra.ok()) << "submitted first, applied first";
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(rb.status().message().find("\"processing\""), std::string::npos);
  EXPECT_EQ(HistoryOrDie("t1", id).size(), 3u) << "create, allocate, one process";
}

TEST_P(LeaveMessageStoreTest, TheSinkCountsWhatAFullQueueRefused) {
  TempDir other;
  StorageOptions o = Options(other.data_dir());
  o.queue_capacity = 2;
  StatusOr<std::unique_ptr<SqliteStorage>> stalled = SqliteStorage::Open(o, clock_);  // never started
  ASSERT_TRUE(stalled.ok());
  leave::LeaveRepository& store = (*stalled)->leave_messages();
  std::vector<leave::LeaveMessage> batch{Web("t1", "1", kT0), Web("t1", "2", kT0), Web("t1", "3", kT0)};
  store.Submit(std::move(batch));
  EXPECT_EQ(store.stats().sink_refused, 3u) << "all or none";
  EXPECT_EQ((*stalled)->stats().queue_depth, 0u);
  std::vector<leave::LeaveMessage> two{Web("t1", "1", kT0), Web("t1", "2", kT0)};
  store.Submit(std::move(two));
  EXPECT_EQ(store.stats().sink_refused, 3u);
  EXPECT_EQ((*stalled)->stats().queue_depth, 2u);
}

TEST_P(LeaveMessageStoreTest, MessagesAndHistorySurviveARestart) {
  std::int64_t id = BringTo(LeaveStatus::kProcessed);
  ASSERT_TRUE(store_->RecordAudit("t1", id, LeaveAudit::kDownload, "voice", kAdmin).ok());
  StoredLeaveMessage before = GetOrDie("t1", id);
  std::size_t history = HistoryOrDie("t1", id).size();
  Close();
  Open();
  StoredLeaveMessage after = GetOrDie("t1", id);
  EXPECT_EQ(after.status, LeaveStatus::kProcessed);
  EXPECT_EQ(after.employee_id, before.employee_id);
  EXPECT_EQ(after.business_account, before.business_account);
  EXPECT_EQ(after.handling_comments, before.handling_comments);
  EXPECT_EQ(after.updated_at_ms, before.updated_at_ms);
  EXPECT_EQ(after.text, before.text);
  EXPECT_EQ(HistoryOrDie("t1", id).size(), history);
  EXPECT_EQ(history, 5u) << "create, allocate, process, submit, download";
  EXPECT_EQ(Create(Web("t1", "1", kT0)), id + 1) << "ids continue";
}

}  // namespace
}  // namespace routerd::storage
