// The leave-message repository on every backend (storage_backends.h): SQLite
// with one partition and with four, PostgreSQL with one writer and with four.
// The shared suite uses only Storage and leave::LeaveRepository; the few
// checks of how one backend keeps things (SQLite's voice files and writer
// threads, two PostgreSQL instances on one database) are separate fixtures at
// the end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/sqlite/sqlite_leave_store.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
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
using testing::AllBackends;
using testing::BackendLocation;
using testing::BackendParam;
using testing::BackendTestName;
using testing::MakeContact;
using testing::ReadAll;
using testing::TempDir;

constexpr std::int64_t kT0 = 1'700'000'000'000;  // ManualClock's default wall time
const Actor kAdmin{"admin-1", ""};
const Actor kRouter{"router", ""};
const std::vector<std::string> kTenants{"t1", "t2", "tenant-a", "tenant-b"};

std::vector<std::int64_t> Ids(const LeavePage& page) {
  std::vector<std::int64_t> ids;
  for (const StoredLeaveMessage& m : page.items) ids.push_back(m.id);
  return ids;
}

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

// Every test runs on every backend (AllBackends): SQLite with one partition
// and with four (tenants spread over them), PostgreSQL with one writer and
// with four.
class LeaveMessageStoreTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  StorageOptions Options() { return where_.Options(kTenants); }
  void Open() { OpenWith(Options()); }
  void OpenWith(const StorageOptions& options) {
    storage_ = BackendLocation::OpenWith(options, clock_);
    ASSERT_NE(storage_, nullptr);
    store_ = &storage_->leave_messages();
  }
  void Close() {
    store_ = nullptr;
    storage_.reset();
  }

  // Replaces the stored audio of voice message `m` with `bytes` (plain ASCII),
  // behind the store's back: SQLite's file under the data directory,
  // PostgreSQL's row in leave_voice_files.
  void TamperWithVoice(const StoredLeaveMessage& m, const std::string& bytes) {
    if (where_.postgresql()) {
      StatusOr<std::string> out = where_.Psql("UPDATE leave_voice_files SET bytes = '" + bytes +
                                              "'::bytea WHERE message_id = " + std::to_string(m.id) +
                                              " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, std::to_string(m.id)) << "one row altered";
    } else {
      const std::string path = VoiceFile(m);
      ASSERT_TRUE(std::filesystem::exists(path)) << path;
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
      ASSERT_EQ(ReadAll(path), bytes);
    }
  }
  // Removes the stored audio of voice message `m`.
  void DeleteVoice(const StoredLeaveMessage& m) {
    if (where_.postgresql()) {
      StatusOr<std::string> out = where_.Psql("DELETE FROM leave_voice_files WHERE message_id = " +
                                              std::to_string(m.id) + " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, std::to_string(m.id)) << "one row removed";
    } else {
      ASSERT_TRUE(std::filesystem::remove(VoiceFile(m))) << VoiceFile(m);
    }
  }
  // SQLite: voice/<id>.<ext> under the data directory (SqliteLeaveStore::AttachmentPath).
  std::string VoiceFile(const StoredLeaveMessage& m) { return where_.data_dir() + "/" + m.attachment_ref; }

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

  BackendLocation where_{GetParam()};
  ManualClock clock_;
  std::unique_ptr<Storage> storage_;
  leave::LeaveRepository* store_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(Backends, LeaveMessageStoreTest, AllBackends(), BackendTestName);

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
  ASSERT_NO_FATAL_FAILURE(TamperWithVoice(*created, "abd"));
  StatusOr<std::string> tampered = store_->ReadVoiceAttachment(*created);
  EXPECT_EQ(tampered.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(tampered.status().message().find("the file " + created->attachment_ref +
                                             " does not match its recorded checksum"),
            std::string::npos)
      << tampered.status().ToString();
  // sha256("abd"): the message says what was found.
  EXPECT_NE(tampered.status().message().find("a52d159f262b2c6ddb724a61840befc36eb30c88877a4030b65cbe86298449c9"),
            std::string::npos)
      << tampered.status().ToString();
  ASSERT_NO_FATAL_FAILURE(DeleteVoice(*created));
  StatusOr<std::string> missing = store_->ReadVoiceAttachment(*created);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "the file " + created->attachment_ref + " is missing from the " +
                                            (where_.postgresql() ? "database" : "data directory"));
  EXPECT_EQ(GetOrDie("t1", id).attachment_sha256, created->attachment_sha256) << "the message itself is kept";

  StoredLeaveMessage web = GetOrDie("t1", Create(Web("t1", "1", kT0)));
  EXPECT_EQ(web.attachment_sha256, "");
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
  EXPECT_EQ(QueryOrDie("t1", {}).total, 0u) << "nothing stored for a refused call";

  // Reopened with a limit of four bytes.
  Close();
  StorageOptions limited = Options();
  limited.max_voice_bytes = 4;
  ASSERT_NO_FATAL_FAILURE(OpenWith(limited));
  v.audio = "12345";
  StatusOr<StoredLeaveMessage> too_big = store_->CreateVoice(v, kAdmin);
  EXPECT_EQ(too_big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_big.status().message(), "audio: 5 bytes, at most 4 allowed");
  v.audio = "1234";
  v.mime = "audio/wav";
  StatusOr<StoredLeaveMessage> ok = store_->CreateVoice(v, kAdmin);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
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
  // Each completion writes its own thread id before set_value; get() makes it visible here.
  std::thread::id thread_a, thread_b;
  ASSERT_TRUE(store_->ProcessAsync("t1", id, Actor{"x", ""}, [&](StatusOr<StoredLeaveMessage> r) {
    thread_a = std::this_thread::get_id();
    a.set_value(std::move(r));
  }).ok());
  ASSERT_TRUE(store_->ProcessAsync("t1", id, Actor{"y", ""}, [&](StatusOr<StoredLeaveMessage> r) {
    thread_b = std::this_thread::get_id();
    b.set_value(std::move(r));
  }).ok());
  StatusOr<StoredLeaveMessage> ra = fa.get(), rb = fb.get();
  EXPECT_NE(thread_a, std::this_thread::get_id()) << "completions run on a storage thread";
  EXPECT_NE(thread_b, std::this_thread::get_id()) << "completions run on a storage thread";
  EXPECT_TRUE(ra.ok()) << "submitted first, applied first";
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(rb.status().message().find("\"processing\""), std::string::npos);
  EXPECT_EQ(HistoryOrDie("t1", id).size(), 3u) << "create, allocate, one process";
  StoredLeaveMessage stored = GetOrDie("t1", id);
  EXPECT_EQ(stored.status, LeaveStatus::kProcessing);
  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[2].actor, "x") << "the winner's process is the one recorded";
}

TEST_P(LeaveMessageStoreTest, TheSinkCountsWhatAFullQueueRefused) {
  BackendLocation other(GetParam());
  StorageOptions o = other.Options(kTenants);
  o.queue_capacity = 2;
  StatusOr<std::unique_ptr<Storage>> stalled = OpenStorage(o, clock_);  // never started
  ASSERT_TRUE(stalled.ok()) << stalled.status().ToString();
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

TEST_P(LeaveMessageStoreTest, ARouterSessionThatBecomesAMessageEndsAndItsContactsAreKept) {
  ContactPtr c1 = MakeContact("web-1", "v1", "k1", "hello", kT0 - 100, "t1", "web");
  ContactPtr c2 = MakeContact("web-1", "v1", "k2", "anyone?", kT0 - 50, "t1", "web");
  ContactPtr c3 = MakeContact("web-1", "v1", "k3", "pending one", kT0 - 40, "t1", "web");
  ASSERT_TRUE(testing::WriteContacts(*storage_, {c1, c2, c3}).status.ok());
  SessionOpened opened;
  opened.tenant_id = "t1";
  opened.session_id = 77;
  opened.channel_kind = "web";
  opened.channel_id = "web-1";
  opened.customer_id = "v1";
  opened.queue_id = "q1";
  opened.arrival_ms = kT0 - 100;
  opened.contacts = {c1, c2};
  ASSERT_TRUE(testing::WriteSessionEvents(*storage_, {opened}).ok());
  {
    StatusOr<OpenState> state = storage_->LoadOpenState();
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    ASSERT_EQ(state->sessions.size(), 1u);
    EXPECT_EQ(state->sessions[0].session_id, 77u);
    ASSERT_EQ(state->pending_contacts.size(), 1u) << "k3 is named by no session yet";
    EXPECT_EQ(state->pending_contacts[0]->provider_message_id, "k3");
    EXPECT_EQ(state->leave_messages, 0u);
  }

  leave::LeaveMessage m = Web("t1", "v1", kT0);
  m.messages = {c1, c2, c3};
  m.session_id = 77;
  m.reason = "max_wait";
  store_->Submit({m});
  ASSERT_TRUE(storage_->Flush().ok());
  EXPECT_EQ(store_->stats().sink_stored, 1u);
  EXPECT_EQ(store_->stats().sink_failed, 0u);

  StatusOr<OpenState> state = storage_->LoadOpenState();
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->sessions.size(), 0u) << "the session that became the message ended";
  EXPECT_EQ(state->pending_contacts.size(), 0u) << "kept in the message";
  EXPECT_EQ(state->leave_messages, 1u);
  LeavePage page = QueryOrDie("t1", {});
  ASSERT_EQ(page.items.size(), 1u);
  StoredLeaveMessage got = GetOrDie("t1", page.items[0].id);
  EXPECT_EQ(got.text, "hello\nanyone?\npending one");
  EXPECT_EQ(got.reason, "max_wait");
  ASSERT_EQ(got.parts.size(), 3u);
  EXPECT_EQ(got.parts[0].provider_message_id, "k1");
  EXPECT_EQ(got.parts[2].provider_message_id, "k3");

  // And so after a restart.
  Close();
  ASSERT_NO_FATAL_FAILURE(Open());
  StatusOr<OpenState> reopened = storage_->LoadOpenState();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->sessions.size(), 0u);
  EXPECT_EQ(reopened->pending_contacts.size(), 0u);
  EXPECT_EQ(reopened->leave_messages, 1u);
}

TEST_P(LeaveMessageStoreTest, CallOutcomesNeedTheRequestedCall) {
  std::int64_t id = Create(Web("t1", "+34600111222", kT0));
  auto rec = [&](LeaveAudit a, std::string detail) {
    return store_->RecordAudit("t1", id, a, std::move(detail), kAdmin).status();
  };
  Status unknown = rec(LeaveAudit::kCallRinging, "call_id=abc");
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
  EXPECT_EQ(unknown.message(),
            "leave message " + std::to_string(id) + " has no call abc: routerd did not ask for it on this message");
  EXPECT_EQ(rec(LeaveAudit::kCallRinging, "nothing").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(rec(LeaveAudit::kCallRequested, "call_id=abc to=+34600111222").ok());
  EXPECT_TRUE(rec(LeaveAudit::kCallRinging, "call_id=abc").ok());
  EXPECT_TRUE(rec(LeaveAudit::kCallConnected, "call_id=abc after 3 s").ok());
  EXPECT_EQ(rec(LeaveAudit::kCallRinging, "call_id=ab").code(), StatusCode::kNotFound) << "a prefix is not the call";
  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 4u) << "create and the three accepted call entries";
  EXPECT_EQ(h[1].action, "call_requested");
  EXPECT_EQ(h[1].detail, "call_id=abc to=+34600111222");
  EXPECT_EQ(h[2].action, "call_ringing");
  EXPECT_EQ(h[3].action, "call_connected");
  EXPECT_EQ(h[3].to, LeaveStatus::kToBeAllocated) << "call entries change no status";
}

// Text PostgreSQL must not mangle: quotes, commas, braces and backslashes
// (array literals, bytea escapes), the word NULL, surrounding blanks, control
// characters and multi-byte UTF-8, in every text the message keeps.
TEST_P(LeaveMessageStoreTest, TextWithQuotesCommasBackslashesAndUtf8ReadsBackExactly) {
  const std::vector<std::string> texts = {
      "He said \"hi\", then 'bye'; {a,b} (1,2) [x]",
      "C:\\path\\to\\file \\\\server\\share \\N \\x41 \\000",
      "NULL",
      "",
      "  padded with blanks\t",
      "line one\nline two\r\nend",
      "Grüße aus Köln, ¿qué tal? Ελληνικά, Русский, 日本語のテキスト, 한국어, עברית, 😀👍🏽",
      "mixed: \"引用\", 'кавычки', \\反斜杠\\, {逗号,逗号}",
      "$1 %s %d ?; -- DROP TABLE leave_messages; /* */ E'\\n'",
  };
  leave::LeaveMessage m = Web("t1", "O'Brien \"Ó\" 客户,1", kT0, "web", "queue,\"q\"\\ü");
  m.display_name = "Zoë \"Z\" O'Neil, 山田太郎 \\ {x}";
  m.reason = "customer";
  m.messages.clear();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto c = std::make_shared<Contact>(*MakeContact(m.channel_id, m.customer_id,
                                                    i == 3 ? "" : "pid,\"" + std::to_string(i) + "\"\\{ü}",
                                                    texts[i], kT0 - 100 + static_cast<std::int64_t>(i), "t1", "web"));
    if (i % 2 == 0) {
      c->attachments.push_back({"file", "ref,{\"" + std::to_string(i) + "\"}\\NULL", "application/pdf; name=\"a,b\"",
                                i == 0 ? std::nullopt : std::optional<std::uint64_t>(i * 1000),
                                "résumé \"final\", v2\\ 📎.pdf"});
    }
    if (i == 4) c->attachments.push_back({"image", "NULL", "", std::nullopt, ""});
    m.messages.push_back(c);
  }
  StatusOr<StoredLeaveMessage> created = store_->Create(m, kRouter);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::int64_t id = created->id;

  std::string joined;
  for (const std::string& t : texts) {
    if (t.empty()) continue;
    if (!joined.empty()) joined += "\n";
    joined += t;
  }
  auto expect_exact = [&](const StoredLeaveMessage& got) {
    EXPECT_EQ(got.customer_id, m.customer_id);
    EXPECT_EQ(got.display_name, m.display_name);
    EXPECT_EQ(got.skill_queue, m.skill_queue);
    EXPECT_EQ(got.text, created->text);
    ASSERT_EQ(got.parts.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      SCOPED_TRACE("part " + std::to_string(i));
      EXPECT_EQ(got.parts[i].text, texts[i]);
      EXPECT_EQ(got.parts[i].provider_message_id, m.messages[i]->provider_message_id);
      EXPECT_EQ(got.parts[i].sent_at_ms, kT0 - 100 + static_cast<std::int64_t>(i));
    }
    std::vector<std::pair<std::size_t, AttachmentRef>> want;
    for (std::size_t i = 0; i < m.messages.size(); ++i) {
      for (const AttachmentRef& a : m.messages[i]->attachments) want.emplace_back(i, a);
    }
    ASSERT_EQ(got.attachments.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      SCOPED_TRACE("attachment " + std::to_string(i));
      EXPECT_EQ(got.attachments[i].part, want[i].first);
      EXPECT_EQ(got.attachments[i].ref.type, want[i].second.type);
      EXPECT_EQ(got.attachments[i].ref.reference, want[i].second.reference);
      EXPECT_EQ(got.attachments[i].ref.mime, want[i].second.mime);
      EXPECT_EQ(got.attachments[i].ref.size_bytes, want[i].second.size_bytes);
      EXPECT_EQ(got.attachments[i].ref.name, want[i].second.name);
    }
  };
  EXPECT_EQ(created->text, joined) << "the non-empty texts, one per line";
  EXPECT_EQ(created->attachment_ref, "ref,{\"0\"}\\NULL") << "the first attachment's reference";
  {
    SCOPED_TRACE("the completion");
    expect_exact(*created);
  }
  {
    SCOPED_TRACE("read back");
    expect_exact(GetOrDie("t1", id));
  }

  // The filters match such values exactly.
  LeaveQuery by_contact;
  by_contact.contact_number = m.customer_id;
  EXPECT_EQ(Ids(QueryOrDie("t1", by_contact)), std::vector<std::int64_t>{id});
  LeaveQuery by_queue;
  by_queue.skill_queue = m.skill_queue;
  EXPECT_EQ(Ids(QueryOrDie("t1", by_queue)), std::vector<std::int64_t>{id});
  LeaveQuery near_miss;
  near_miss.contact_number = "O'Brien \"O\" 客户,1";
  EXPECT_EQ(QueryOrDie("t1", near_miss).total, 0u);

  // Through allocation and handling, into the history.
  const std::string employee = "É-42 \"eve\"";
  const std::string account = "eve, o'hara\\ops@例え.jp";
  const Actor agent{"agent \"É-42\", ñ", employee};
  StatusOr<StoredLeaveMessage> allocated = store_->Allocate("t1", id, employee, account, kAdmin);
  ASSERT_TRUE(allocated.ok()) << allocated.status().ToString();
  ASSERT_TRUE(store_->Process("t1", id, agent).ok());
  // 2000 characters, more than 2000 bytes: the limit counts characters.
  std::string comments = "Rückruf erledigt; \"Kunde\" zufrieden, 'ok' \\ {a,b} NULL\n顧客に電話しました 😀\t";
  while (comments.size() < 3000) comments += "日";
  std::size_t chars = 0;
  for (unsigned char b : comments) chars += (b & 0xc0) != 0x80;
  ASSERT_LT(chars, 2000u);
  comments += std::string(2000 - chars, 'x');
  StatusOr<StoredLeaveMessage> submitted = store_->SubmitHandling("t1", id, comments, agent);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_EQ(submitted->handling_comments, std::optional<std::string>(comments));
  StoredLeaveMessage got = GetOrDie("t1", id);
  EXPECT_EQ(got.employee_id, std::optional<std::string>(employee));
  EXPECT_EQ(got.business_account, std::optional<std::string>(account));
  EXPECT_EQ(got.handling_comments, std::optional<std::string>(comments));
  LeaveQuery by_employee;
  by_employee.employee_id = employee;
  EXPECT_EQ(Ids(QueryOrDie("t1", by_employee)), std::vector<std::int64_t>{id});
  const std::string detail = "exported \"all\", 'parts' \\ 📄 {x,y}";
  ASSERT_TRUE(store_->RecordAudit("t1", id, LeaveAudit::kDownload, detail, kAdmin).ok());
  std::vector<LeaveHistoryEntry> h = HistoryOrDie("t1", id);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[1].detail, "employee_id=" + employee + " business_account=" + account);
  EXPECT_EQ(h[2].actor, agent.id);
  EXPECT_EQ(h[3].actor, agent.id);
  EXPECT_EQ(h[4].detail, detail);

  // One character more is refused.
  std::int64_t second = BringTo(LeaveStatus::kProcessing);
  StatusOr<StoredLeaveMessage> too_long = store_->SubmitHandling("t1", second, comments + "é", kAdmin);
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.status().message(), "handling_comments: 2001 characters, at most 2000 allowed");

  // Unchanged after a restart.
  Close();
  ASSERT_NO_FATAL_FAILURE(Open());
  {
    SCOPED_TRACE("after a restart");
    StoredLeaveMessage reopened = GetOrDie("t1", id);
    expect_exact(reopened);
    EXPECT_EQ(reopened.handling_comments, std::optional<std::string>(comments));
    EXPECT_EQ(reopened.business_account, std::optional<std::string>(account));
  }
}

TEST_P(LeaveMessageStoreTest, VoiceAudioOfAnyBytesReadsBackExactly) {
  VoiceMessage v;
  v.tenant_id = "t1";
  v.contact_number = "1";
  for (int b = 0; b < 256; ++b) v.audio.push_back(static_cast<char>(b));
  v.audio += std::string("\\x00'\"\\\\", 8) + std::string(1, '\0');  // \x00'"\\ and a NUL
  StatusOr<StoredLeaveMessage> voice = store_->CreateVoice(v, kAdmin);
  ASSERT_TRUE(voice.ok()) << voice.status().ToString();
  EXPECT_EQ(voice->attachment_ref, "voice/" + std::to_string(voice->id) + ".bin");
  StatusOr<std::string> audio = store_->ReadVoiceAttachment(*voice);
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_EQ(*audio, v.audio);
  EXPECT_EQ(voice->attachment_sha256, "5f447bf3da6e743b7f9b609e140780446f21834846cbf7611d0536be478ee0a5")
      << "sha256 of bytes 0..255, then the escapes";
}

// SQLite only: how it keeps voice files and runs completions.
class LeaveMessageStoreSqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StorageOptions o;
    o.data_dir = dir_.data_dir();
    o.partitions = 4;
    o.prune_interval_ms = 0;
    o.tenants = kTenants;
    StatusOr<std::unique_ptr<SqliteStorage>> s = SqliteStorage::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    storage_ = std::move(s).value();
    ASSERT_TRUE(storage_->Start().ok());
    store_ = static_cast<SqliteLeaveStore*>(&storage_->leave_messages());
  }

  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<SqliteStorage> storage_;
  SqliteLeaveStore* store_ = nullptr;
};

TEST_F(LeaveMessageStoreSqliteTest, VoiceFilesLiveUnderTheDataDirectory) {
  VoiceMessage v;
  v.tenant_id = "t2";
  v.contact_number = "+8613800000000";
  v.audio = "abc";
  v.mime = "audio/mpeg";
  StatusOr<StoredLeaveMessage> created = store_->CreateVoice(v, Actor{"ivr", ""});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string path = store_->AttachmentPath(*created);
  EXPECT_EQ(path, dir_.data_dir() + "/voice/" + std::to_string(created->id) + ".mp3");
  EXPECT_EQ(ReadAll(path), "abc");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  StatusOr<StoredLeaveMessage> web = store_->Create(Web("t2", "1", kT0), kRouter);
  ASSERT_TRUE(web.ok()) << web.status().ToString();
  EXPECT_EQ(store_->AttachmentPath(*web), "");
}

TEST_F(LeaveMessageStoreSqliteTest, CompletionsRunOnTheTenantsWriterThread) {
  for (const std::string tenant : {"t1", "t2"}) {
    SCOPED_TRACE(tenant);
    JournalWriter& writer = *storage_->partitions().ForTenant(tenant).writer;
    std::promise<bool> on_writer;
    ASSERT_TRUE(store_->CreateAsync(Web(tenant, "1", kT0), kRouter, [&](StatusOr<StoredLeaveMessage> r) {
      on_writer.set_value(r.ok() && writer.OnWriterThread());
    }).ok());
    EXPECT_TRUE(on_writer.get_future().get()) << "stored, and completed on the tenant's writer thread";
  }
}

// PostgreSQL only: two routerd instances on one database; the status check in
// the write holds across them.
class LeaveMessageStorePostgresTest : public ::testing::Test {
 protected:
  BackendLocation where_{BackendParam{"postgresql", 2}};
  ManualClock clock_;
};

TEST_F(LeaveMessageStorePostgresTest, TwoInstancesRacingOnOneMessageExactlyOneWins) {
  std::unique_ptr<Storage> first = where_.Open(clock_, kTenants);
  ASSERT_NE(first, nullptr);
  std::unique_ptr<Storage> second = where_.Open(clock_, kTenants);
  ASSERT_NE(second, nullptr);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    StatusOr<StoredLeaveMessage> created = first->leave_messages().Create(Web("t1", "555", kT0), kRouter);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    const std::int64_t id = created->id;
    ASSERT_TRUE(second->leave_messages().Allocate("t1", id, "E1", "a1", kAdmin).ok()) << "seen by the other";
    std::promise<StatusOr<StoredLeaveMessage>> a, b;
    ASSERT_TRUE(first->leave_messages()
                    .ProcessAsync("t1", id, Actor{"x", ""},
                                  [&](StatusOr<StoredLeaveMessage> r) { a.set_value(std::move(r)); })
                    .ok());
    ASSERT_TRUE(second->leave_messages()
                    .ProcessAsync("t1", id, Actor{"y", ""},
                                  [&](StatusOr<StoredLeaveMessage> r) { b.set_value(std::move(r)); })
                    .ok());
    StatusOr<StoredLeaveMessage> ra = a.get_future().get();
    StatusOr<StoredLeaveMessage> rb = b.get_future().get();
    ASSERT_NE(ra.ok(), rb.ok()) << ra.status().ToString() << " / " << rb.status().ToString();
    const StatusOr<StoredLeaveMessage>& lost = ra.ok() ? rb : ra;
    EXPECT_EQ(lost.status().code(), StatusCode::kFailedPrecondition) << lost.status().ToString();
    EXPECT_NE(lost.status().message().find("\"processing\""), std::string::npos) << lost.status().ToString();
    StatusOr<std::vector<LeaveHistoryEntry>> h = first->leave_messages().History("t1", id);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    ASSERT_EQ(h->size(), 3u) << "create, allocate, one process";
    EXPECT_EQ((*h)[2].actor, ra.ok() ? "x" : "y") << "the winner's process is the one recorded";
  }
}

}  // namespace
}  // namespace routerd::storage
