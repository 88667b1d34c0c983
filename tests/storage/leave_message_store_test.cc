// The leave-message repository on every backend: the sink, the transitions
// and their history, voice messages, concurrency, restarts (the fixture: leave_store_fixture.h).
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/leave_store_fixture.h"

namespace routerd::storage::leave_store_testing {
namespace {

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

}  // namespace
}  // namespace routerd::storage::leave_store_testing
