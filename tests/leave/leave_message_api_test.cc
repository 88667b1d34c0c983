#include "engine/leave/leave_message_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "engine/storage/sqlite/attachment_files.h"
#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::kT0;
using testing::LeaveApiTest;

using testing::Str;

// Every test runs on SQLite and on PostgreSQL.
INSTANTIATE_TEST_SUITE_P(Backends, LeaveApiTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(LeaveApiTest, EveryAllowedTransitionThroughTheApi) {
  const std::int64_t id = Create("555", kT0 - 1000);
  auto r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a1"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_TRUE(r.deferred);
  EXPECT_EQ(Field(r.body(), "status"), "unprocessed");
  EXPECT_EQ(Field(r.body(), "employee_id"), "a1");
  EXPECT_EQ(Field(r.body(), "business_account"), "acct-a1");
  EXPECT_EQ(Field(r.body(), "updated_at_ms"), Str(kT0));

  r = Post("/api/v1/messages/" + Str(id) + "/process", AgentP("a1"));
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "status"), "processing");

  r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"), R"({"handling_comments":"called back"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "status"), "processed");
  EXPECT_EQ(Field(r.body(), "handling_comments"), "called back");

  r = Get("/api/v1/messages/" + Str(id), Admin());
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_THAT(r.body(), HasSubstr(R"("action":"create","from":null,"to":"to_be_allocated")"));
  EXPECT_THAT(r.body(), HasSubstr(R"("actor":"ivr-admin","action":"allocate","from":"to_be_allocated","to":"unprocessed")"));
  EXPECT_THAT(r.body(), HasSubstr(R"("actor":"agent:a1","action":"process","from":"unprocessed","to":"processing")"));
  EXPECT_THAT(r.body(), HasSubstr(R"("actor":"agent:a1","action":"submit","from":"processing","to":"processed")"));
}

TEST_P(LeaveApiTest, AllocationFailedIsAllocatedByHand) {
  const std::int64_t id = Create("555", kT0);
  ASSERT_TRUE(store_->MarkAllocationFailed("t", id, leave::Actor{"auto", {}}).ok());
  auto r = Post("/api/v1/messages/" + Str(id) + "/process", Admin());
  EXPECT_EQ(r.status(), 409);
  EXPECT_THAT(r.body(), HasSubstr("allocation_failed"));
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a2"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "status"), "unprocessed");
  EXPECT_EQ(Field(r.body(), "employee_id"), "a2");
  // The manual allocation is told to the agent too.
  ASSERT_EQ(notified().size(), 1u);
  EXPECT_THAT(notified()[0], HasSubstr("t/a2 {\"type\":\"leave_message_allocated\",\"message\":{\"id\":" + Str(id)));
}

TEST_P(LeaveApiTest, EveryForbiddenTransitionIs409NamingTheCurrentStatus) {
  struct Case {
    const char* op;
    const char* body;
  };
  const Case ops[] = {{"allocate", R"({"employee_id":"a1"})"},
                      {"process", ""},
                      {"submit", R"({"handling_comments":"done"})"}};
  // For each status, the operations the seed does not allow from it.
  const std::int64_t to_be_allocated = Create("1", kT0);
  const std::int64_t failed = Create("2", kT0);
  ASSERT_TRUE(store_->MarkAllocationFailed("t", failed, leave::Actor{"x", {}}).ok());
  const std::int64_t unprocessed = Create("3", kT0);
  ASSERT_TRUE(store_->Allocate("t", unprocessed, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  const std::int64_t processing = Create("4", kT0);
  ASSERT_TRUE(store_->Allocate("t", processing, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->Process("t", processing, leave::Actor{"x", {}}).ok());
  const std::int64_t processed = Create("5", kT0);
  ASSERT_TRUE(store_->Allocate("t", processed, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->Process("t", processed, leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->SubmitHandling("t", processed, "ok", leave::Actor{"x", {}}).ok());
  struct Forbidden {
    std::int64_t id;
    const char* status;
    std::vector<int> ops;  // indices into `ops`
  };
  const Forbidden cases[] = {{to_be_allocated, "to_be_allocated", {1, 2}},
                             {failed, "allocation_failed", {1, 2}},
                             {unprocessed, "unprocessed", {0, 2}},
                             {processing, "processing", {0, 1}},
                             {processed, "processed", {0, 1, 2}}};
  int checked = 0;
  for (const Forbidden& c : cases) {
    for (int op : c.ops) {
      auto r = Post("/api/v1/messages/" + Str(c.id) + "/" + ops[op].op, Admin(), ops[op].body);
      EXPECT_EQ(r.status(), 409) << ops[op].op << " from " << c.status << ": " << r.body();
      EXPECT_EQ(Field(r.body(), "error"), "conflict");
      EXPECT_THAT(Field(r.body(), "detail"), HasSubstr(c.status)) << ops[op].op;
      ++checked;
    }
    // Nothing changed.
    auto g = Get("/api/v1/messages/" + Str(c.id), Admin());
    EXPECT_EQ(Field(g.body(), "status"), c.status);
  }
  EXPECT_EQ(checked, 11);
}

TEST_P(LeaveApiTest, RequestErrorsNameTheField) {
  const std::int64_t id = Create("555", kT0);
  auto r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"ghost"})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("employee_id: \\\"ghost\\\" is not an agent of this tenant"));
  EXPECT_FALSE(r.deferred);
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("employee_id is required"));
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a1","x":1})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("unknown field 'x'"));
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"b1"})");  // tenant u's agent
  EXPECT_EQ(r.status(), 400);
  r = Post("/api/v1/messages/999/allocate", Admin(), R"({"employee_id":"a1"})");
  EXPECT_EQ(r.status(), 404);
  r = Get("/api/v1/messages/abc", Admin());
  EXPECT_EQ(r.status(), 404);
  r = Get("/api/v1/messages/" + Str(id) + "/nope", Admin());
  EXPECT_EQ(r.status(), 404);
  r = Call(boost::beast::http::verb::delete_, "/api/v1/messages/" + Str(id), Admin());
  EXPECT_EQ(r.status(), 405);
  EXPECT_EQ(r.response[boost::beast::http::field::allow], "GET");
}

TEST_P(LeaveApiTest, HandlingCommentsAreRequiredAndAtMost2000Characters) {
  const std::int64_t id = Create("555", kT0);
  ASSERT_TRUE(store_->Allocate("t", id, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  ASSERT_TRUE(store_->Process("t", id, leave::Actor{"x", {}}).ok());
  auto r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"), "{}");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("handling_comments is required"));
  r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"), R"({"handling_comments":"   "})");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("handling_comments"));
  r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"),
           "{\"handling_comments\":\"" + std::string(2001, 'x') + "\"}");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("handling_comments"));
  // 2000 characters, each two bytes in UTF-8: allowed.
  std::string max;
  for (int i = 0; i < 2000; ++i) max += "\xc3\xa9";
  r = Post("/api/v1/messages/" + Str(id) + "/submit", AgentP("a1"), "{\"handling_comments\":\"" + max + "\"}");
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(Field(r.body(), "handling_comments"), max);
}

TEST_P(LeaveApiTest, DefaultPermissionsPerRole) {
  const std::int64_t mine = Create("1", kT0);
  ASSERT_TRUE(store_->Allocate("t", mine, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  const std::int64_t theirs = Create("2", kT0);
  ASSERT_TRUE(store_->Allocate("t", theirs, "a2", "acct-a2", leave::Actor{"x", {}}).ok());
  // An agent may not allocate, even to itself.
  auto r = Post("/api/v1/messages/" + Str(Create("3", kT0)) + "/allocate", AgentP("a1"), R"({"employee_id":"a1"})");
  EXPECT_EQ(r.status(), 403);
  EXPECT_THAT(r.body(), HasSubstr("lack the 'allocate' permission"));
  // Nor act on another agent's message.
  r = Post("/api/v1/messages/" + Str(theirs) + "/process", AgentP("a1"));
  EXPECT_EQ(r.status(), 403);
  EXPECT_THAT(r.body(), HasSubstr("not allocated to employee a1"));
  r = Get("/api/v1/messages/" + Str(theirs) + "/download", AgentP("a1"));
  EXPECT_EQ(r.status(), 403);
  ASSERT_TRUE(store_->Process("t", theirs, leave::Actor{"x", {}}).ok());
  r = Post("/api/v1/messages/" + Str(theirs) + "/submit", AgentP("a1"), R"({"handling_comments":"mine now"})");
  EXPECT_EQ(r.status(), 403);
  EXPECT_EQ(Field(Get("/api/v1/messages/" + Str(theirs), Admin()).body(), "status"), "processing");
  // Its own: process, submit, download.
  EXPECT_EQ(Post("/api/v1/messages/" + Str(mine) + "/process", AgentP("a1")).status(), 200);
  EXPECT_EQ(Post("/api/v1/messages/" + Str(mine) + "/submit", AgentP("a1"), R"({"handling_comments":"ok"})").status(),
            200);
  EXPECT_EQ(Get("/api/v1/messages/" + Str(mine) + "/download", AgentP("a1")).status(), 200);
  // The admin acts on any message of the tenant.
  EXPECT_EQ(Post("/api/v1/messages/" + Str(theirs) + "/submit", Admin(), R"({"handling_comments":"ok"})").status(),
            200);
}

TEST_P(LeaveApiTest, ConfiguredPermissionsAreEnforcedPerOperation) {
  using config::LeaveOperation;
  using config::LeavePermissions;
  config_.tenants[0].permissions.tenant_admin = LeavePermissions::Bit(LeaveOperation::kQuery);
  config_.tenants[0].permissions.agent = LeavePermissions::Bit(LeaveOperation::kAllocate);
  const std::int64_t id = Create("1", kT0);
  auto r = Post("/api/v1/messages/" + Str(id) + "/allocate", Admin(), R"({"employee_id":"a1"})");
  EXPECT_EQ(r.status(), 403);
  EXPECT_EQ(Field(r.body(), "detail"), "tenant_admin tokens of this tenant lack the 'allocate' permission");
  EXPECT_EQ(Get("/api/v1/messages/" + Str(id) + "/download", Admin()).status(), 403);
  EXPECT_EQ(Get("/api/v1/messages", Admin()).status(), 200);
  // The agent was given allocate (and nothing else).
  r = Post("/api/v1/messages/" + Str(id) + "/allocate", AgentP("a1"), R"({"employee_id":"a1"})");
  EXPECT_EQ(r.status(), 200) << r.body();
  r = Get("/api/v1/messages", AgentP("a1"));
  EXPECT_EQ(r.status(), 403);
  EXPECT_EQ(Field(r.body(), "detail"), "agent tokens of this tenant lack the 'query' permission");
  EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/process", AgentP("a1")).status(), 403);
  EXPECT_EQ(Post("/api/v1/messages/" + Str(id) + "/process", Admin()).status(), 403);
}

TEST_P(LeaveApiTest, EveryDownloadIsRecordedInTheHistory) {
  const std::int64_t id = Create("555", kT0);
  auto r = Get("/api/v1/messages/" + Str(id) + "/download", Admin());
  ASSERT_EQ(r.status(), 200) << r.body();
  EXPECT_EQ(r.response[boost::beast::http::field::content_disposition],
            "attachment; filename=\"leave-message-" + Str(id) + ".json\"");
  EXPECT_EQ(Field(r.body(), "contact_number"), "555");
  EXPECT_EQ(Field(r.body(), "text"), "please call me");
  // The export is read before its own download entry is committed.
  EXPECT_THAT(r.body(), HasSubstr(R"("actor":"router","action":"create")"));
  EXPECT_THAT(r.body(), Not(HasSubstr(R"("action":"download")")));
  ASSERT_TRUE(store_->Allocate("t", id, "a1", "acct-a1", leave::Actor{"x", {}}).ok());
  ASSERT_EQ(Get("/api/v1/messages/" + Str(id) + "/download", AgentP("a1")).status(), 200);
  auto history = store_->History("t", id);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> actions;
  for (const auto& h : *history) actions.push_back(h.actor + ":" + h.action);
  EXPECT_THAT(actions, ElementsAre("router:create", "ivr-admin:download", "x:allocate", "agent:a1:download"));
  // A refused download is not recorded and serves nothing.
  EXPECT_EQ(Get("/api/v1/messages/" + Str(id) + "/download", AgentP("a2")).status(), 403);
  EXPECT_EQ(store_->History("t", id)->size(), 4u);
}

std::string Multipart(const std::vector<std::array<std::string, 4>>& parts) {  // name, filename, type, data
  std::string body;
  for (const auto& [name, file, type, data] : parts) {
    body += "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (!file.empty()) body += "; filename=\"" + file + "\"";
    body += "\r\n";
    if (!type.empty()) body += "Content-Type: " + type + "\r\n";
    body += "\r\n" + data + "\r\n";
  }
  return body + "--XyZ--\r\n";
}

TEST_P(LeaveApiTest, VoiceUploadThenDownloadGivesTheSameBytesAndChecksum) {
  std::string audio = "RIFF";
  for (int i = 0; i < 3000; ++i) audio.push_back(static_cast<char>(i * 7 % 256));  // binary, with \r\n and NULs
  audio += "\r\n--Xy\r\n";  // close to the delimiter, but not it
  const std::string body = Multipart({{"contact_number", "", "", "+8613800000000"},
                                      {"channel_type", "", "", "voice"},
                                      {"skill_queue", "", "", "vq"},
                                      {"file", "msg.wav", "audio/wav", audio}});
  auto r = Call(boost::beast::http::verb::post, "/api/v1/messages", Admin(), body,
                "multipart/form-data; boundary=\"XyZ\"");
  ASSERT_EQ(r.status(), 201) << r.body();
  const std::int64_t id = std::stoll(Field(r.body(), "id"));
  EXPECT_EQ(Field(r.body(), "channel_type"), "voice");
  EXPECT_EQ(Field(r.body(), "contact_number"), "+8613800000000");
  EXPECT_EQ(Field(r.body(), "skill_queue"), "vq");
  EXPECT_EQ(Field(r.body(), "status"), "to_be_allocated");
  EXPECT_THAT(r.body(), HasSubstr("\"sha256\":\"" + storage::Sha256Hex(audio) + "\""));
  EXPECT_EQ(created_, std::vector<std::int64_t>{id});

  ASSERT_TRUE(store_->Allocate("t", id, "v1", "acct-v1", leave::Actor{"x", {}}).ok());
  auto d = Get("/api/v1/messages/" + Str(id) + "/download", AgentP("v1"));
  ASSERT_EQ(d.status(), 200) << d.body();
  EXPECT_EQ(d.body(), audio);
  EXPECT_EQ(d.response[boost::beast::http::field::content_type], "audio/wav");
  EXPECT_EQ(d.response["X-Content-SHA256"], storage::Sha256Hex(audio));
  EXPECT_EQ(d.response[boost::beast::http::field::content_disposition],
            "attachment; filename=\"leave-message-" + Str(id) + ".wav\"");
  auto history = store_->History("t", id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[2].action, "download");
  EXPECT_EQ((*history)[2].actor, "agent:v1");
  // The voice agent finds it with a voice filter.
  auto q = Get("/api/v1/messages?channel_type=voice", AgentP("v1"));
  EXPECT_THAT(Ids(q.body()), ElementsAre(id));
}

TEST_P(LeaveApiTest, VoiceUploadMistakesAre400NamingTheField) {
  const std::string type = "multipart/form-data; boundary=XyZ";
  const std::array<std::string, 4> contact{"contact_number", "", "", "555"}, voice{"channel_type", "", "", "voice"},
      file{"file", "a.wav", "audio/wav", "RIFFdata"};
  const std::pair<std::string, std::string> cases[] = {
      {Multipart({voice, file}), "contact_number is required"},
      {Multipart({contact, file}), "channel_type is required"},
      {Multipart({contact, voice}), "file is required"},
      {Multipart({contact, {"channel_type", "", "", "web"}, file}), "channel_type: \\\"web\\\" is not valid here"},
      {Multipart({contact, voice, {"file", "a.wav", "audio/wav", ""}}), "file: the audio file is empty"},
      {Multipart({contact, voice, file, {"skill_queue", "", "", "nope"}}), "skill_queue: \\\"nope\\\" is not a skill"},
      {Multipart({contact, voice, file, {"colour", "", "", "red"}}), "unknown field 'colour'"},
      {Multipart({contact, contact, voice, file}), "contact_number: given more than once"},
      {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "closing boundary"},
  };
  for (const auto& [body, error] : cases) {
    auto r = Call(boost::beast::http::verb::post, "/api/v1/messages", Admin(), body, type);
    EXPECT_EQ(r.status(), 400) << error;
    EXPECT_THAT(r.body(), HasSubstr(error));
  }
  auto r = Call(boost::beast::http::verb::post, "/api/v1/messages", Admin(), "{}", "application/json");
  EXPECT_EQ(r.status(), 400);
  EXPECT_THAT(r.body(), HasSubstr("multipart/form-data"));
  // Only the tenant admin (the IVR) creates messages.
  r = Call(boost::beast::http::verb::post, "/api/v1/messages", AgentP("v1"), Multipart({contact, voice, file}), type);
  EXPECT_EQ(r.status(), 403);
  EXPECT_THAT(Ids(Get("/api/v1/messages", Admin()).body()), IsEmpty());
  EXPECT_THAT(created_, IsEmpty());
}

// A file part's Content-Type reaches the download's header: only audio types
// are accepted, in any length or with line breaks never, and a stored type
// that is not audio (written before this check) is never served.
TEST_P(LeaveApiTest, VoiceUploadAcceptsAudioTypesOnlyAndDownloadsServeNothingElse) {
  const std::string type = "multipart/form-data; boundary=XyZ";
  const std::array<std::string, 4> contact{"contact_number", "", "", "555"}, voice{"channel_type", "", "", "voice"};
  auto upload = [&](const std::string& file_name, const std::string& content_type) {
    return Call(boost::beast::http::verb::post, "/api/v1/messages", Admin(),
                Multipart({contact, voice, {"file", file_name, content_type, "RIFFdata"}}), type);
  };
  const std::pair<std::string, std::string> refused[] = {
      {"text/html", "file: Content-Type \\\"text/html\\\" is not an audio type"},
      {"image/svg+xml", "is not an audio type"},
      {std::string(1000, 'a'), "file: Content-Type is 1000 bytes long, at most 128 allowed"},
      // Stopped by the multipart parser's bound on a part's header block.
      {std::string(70000, 'a'), "multipart: part 3: headers of 70"},
  };
  for (const auto& [content_type, error] : refused) {
    auto r = upload("a.wav", content_type);
    EXPECT_EQ(r.status(), 400) << content_type.substr(0, 40);
    EXPECT_THAT(r.body(), HasSubstr(error));
  }
  EXPECT_EQ(upload("a.txt", "").status(), 400) << "no audio type and no audio extension";
  auto bad_number = Call(boost::beast::http::verb::post, "/api/v1/messages", Admin(),
                         Multipart({{"contact_number", "", "", "555\x01"}, voice,
                                    {"file", "a.wav", "audio/wav", "RIFFdata"}}),
                         type);
  EXPECT_EQ(bad_number.status(), 400);
  EXPECT_THAT(bad_number.body(), HasSubstr("contact_number: control characters are not allowed"));
  EXPECT_THAT(Ids(Get("/api/v1/messages", Admin()).body()), IsEmpty());

  auto ok = upload("Greeting.OGG", "Audio/OGG; codecs=opus");
  ASSERT_EQ(ok.status(), 201) << ok.body();
  auto by_extension = upload("call.mp3", "application/octet-stream");
  ASSERT_EQ(by_extension.status(), 201) << by_extension.body();
  auto served = [&](std::int64_t id) {
    auto d = Get("/api/v1/messages/" + Str(id) + "/download", Admin());
    EXPECT_EQ(d.status(), 200) << d.body();
    EXPECT_EQ(d.response["X-Content-Type-Options"], "nosniff");
    return std::string(d.response[boost::beast::http::field::content_type]);
  };
  EXPECT_EQ(served(std::stoll(Field(ok.body(), "id"))), "audio/ogg");
  EXPECT_EQ(served(std::stoll(Field(by_extension.body(), "id"))), "audio/mpeg");

  // Stored straight through the repository, as an older release could have.
  leave::VoiceMessage stored;
  stored.tenant_id = "t";
  stored.contact_number = "556";
  stored.audio = "<html><script>alert(1)</script></html>";
  stored.mime = "text/html\r\nSet-Cookie: x=1";
  stored.file_name = "page.html";
  StatusOr<leave::StoredLeaveMessage> m = store_->CreateVoice(stored, leave::Actor{"old", {}});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(served(m->id), "application/octet-stream");
}

}  // namespace
}  // namespace routerd::leave
