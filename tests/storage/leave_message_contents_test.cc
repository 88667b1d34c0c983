// The leave-message repository on every backend: what a message keeps reads
// back exactly (text of any characters, audio of any bytes), a router session
// that becomes a message, and call outcomes (the fixture:
// leave_store_fixture.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/storage/leave_store_fixture.h"

namespace routerd::storage::leave_store_testing {
namespace {

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

}  // namespace
}  // namespace routerd::storage::leave_store_testing
