// Leave messages through the real daemon: a session that overflows
// becomes a stored leave message, automatic allocation gives it to a signed-in
// agent of its queue who is told over its WebSocket, the agent processes and
// submits it; an IVR's voice upload (larger than any webhook may be) is stored
// with its checksum, downloaded byte for byte and the download audited;
// Allocation failed is re-armed when an agent of the queue signs in.
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.h"

namespace routerd::gateway_test {
namespace {

class LeaveMessagesTest : public GatewayTest {
 protected:
  // A multipart IVR upload: contact number, channel type voice, the audio.
  HttpReply UploadVoice(const std::string& contact, const std::string& queue, const std::string& audio) {
    const std::string boundary = "----routerd-test-boundary";
    std::string body;
    auto field = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    };
    field("contact_number", contact);
    field("channel_type", "voice");
    field("skill_queue", queue);
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"call.wav\"\r\nContent-Type: audio/wav\r\n\r\n" +
            audio + "\r\n--" + boundary + "--\r\n";
    return Api("POST", "/api/v1/messages", kAcmeAdmin, std::move(body),
               {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  }

  // Polls one message until its status is `status`.
  JsonDoc WaitForStatus(std::int64_t id, std::string_view status) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    JsonDoc doc;
    while (std::chrono::steady_clock::now() < deadline) {
      HttpReply r = Api("GET", "/api/v1/messages/" + std::to_string(id), kAcmeAdmin);
      doc = r.Json();
      if (r.status == 200 && doc.Str("/status") == status) return doc;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "message " << id << " never became " << status << ": " << doc.text();
    return doc;
  }
};

TEST_F(LeaveMessagesTest, AnOverflowIsAllocatedToASignedInAgentWhoIsToldAndProcessesIt) {
  GatewayConfig config;
  config.billing_max_waiting = 1;
  StartDaemon(config);
  // a3 serves billing; signed in but resting, so sessions wait in the queue.
  auto a3 = Connect("a3", kA3Token);
  a3->Ack(R"("type":"sign_in")");
  DeliverWeb(kAcmeBilling, "c-first", "First", "I wait");
  DeliverWeb(kAcmeBilling, "c-second", "Second", "the queue is full for me");

  JsonDoc told = a3->NextOfType("leave_message_allocated");
  ASSERT_TRUE(told.ok()) << told.text();
  EXPECT_EQ(told.Str("/message/contact_number"), "c-second");
  EXPECT_EQ(told.Str("/message/status"), "unprocessed");
  EXPECT_EQ(told.Str("/message/employee_id"), "a3");
  EXPECT_EQ(told.Str("/message/reason"), "queue_full");
  EXPECT_EQ(told.Str("/message/skill_queue"), "billing");
  EXPECT_EQ(told.Str("/message/text"), "the queue is full for me");
  const std::int64_t id = told.Int("/message/id").value_or(0);
  ASSERT_GT(id, 0);
  const std::string path = "/api/v1/messages/" + std::to_string(id);

  // Another agent may not act on it; its own agent may, in order.
  EXPECT_EQ(Api("POST", path + "/process", kA1Token).status, 403);
  EXPECT_EQ(Api("POST", path + "/submit", kA3Token, R"({"handling_comments":"early"})").status, 409);
  HttpReply processing = Api("POST", path + "/process", kA3Token);
  ASSERT_EQ(processing.status, 200) << processing.body;
  EXPECT_EQ(processing.Json().Str("/status"), "processing");
  EXPECT_EQ(Api("POST", path + "/submit", kA3Token, R"({"handling_comments":"  "})").status, 400);
  HttpReply processed = Api("POST", path + "/submit", kA3Token, R"({"handling_comments":"called back, solved"})");
  ASSERT_EQ(processed.status, 200) << processed.body;
  EXPECT_EQ(processed.Json().Str("/status"), "processed");
  EXPECT_EQ(processed.Json().Str("/handling_comments"), "called back, solved");
  HttpReply again = Api("POST", path + "/process", kA3Token);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("processed"), std::string::npos) << again.body;

  // The history holds every transition with who did it.
  JsonDoc one = Api("GET", path, kAcmeAdmin).Json();
  ASSERT_EQ(one.Size("/history"), 4u) << one.text();
  EXPECT_EQ(one.Str("/history/0/action"), "create");
  EXPECT_EQ(one.Str("/history/1/action"), "allocate");
  EXPECT_EQ(one.Str("/history/1/actor"), "auto-allocator");
  EXPECT_EQ(one.Str("/history/2/action"), "process");
  EXPECT_EQ(one.Str("/history/3/action"), "submit");
  // The first customer still waits: only the overflow became a message.
  JsonDoc list = Api("GET", "/api/v1/messages", kAcmeAdmin).Json();
  EXPECT_EQ(list.Int("/total"), 1);
}

TEST_F(LeaveMessagesTest, AVoiceUploadLargerThanAnyWebhookIsStoredDownloadedByteForByteAndAudited) {
  StartDaemon();
  // 1.5 MB: over max_body_bytes (1 MiB, the default), which binds every other route.
  std::string audio(1'500'000, '\0');
  for (std::size_t i = 0; i < audio.size(); ++i) audio[i] = static_cast<char>((i * 7919) % 251);
  HttpReply created = UploadVoice("+15550001111", "phone", audio);
  ASSERT_EQ(created.status, 201) << created.body;
  const JsonDoc message = created.Json();
  EXPECT_EQ(message.Str("/channel_type"), "voice");
  EXPECT_EQ(message.Str("/contact_number"), "+15550001111");
  const std::int64_t id = message.Int("/id").value_or(0);
  ASSERT_GT(id, 0);

  HttpReply download = Api("GET", "/api/v1/messages/" + std::to_string(id) + "/download", kAcmeAdmin);
  ASSERT_EQ(download.status, 200);
  EXPECT_EQ(download.body.size(), audio.size());
  EXPECT_TRUE(download.body == audio);
  EXPECT_EQ(download.Header("X-Content-SHA256"), Sha256Hex(audio));
  EXPECT_EQ(download.Header("Content-Type"), "audio/wav");
  JsonDoc one = Api("GET", "/api/v1/messages/" + std::to_string(id), kAcmeAdmin).Json();
  bool audited = false;
  for (std::size_t i = 0; i < one.Size("/history").value_or(0); ++i) {
    audited |= one.Str("/history/" + std::to_string(i) + "/action") == "download";
  }
  EXPECT_TRUE(audited) << one.text();

  // Every other route keeps the limit.
  const std::string big(1'500'000, 'x');
  EXPECT_EQ(Api("POST", "/api/v1/sessions/1/close", kAcmeAdmin, big).status, 413);
  // And an agent token may not post voice messages.
  EXPECT_EQ(Api("POST", "/api/v1/messages", kA1Token, "x", {{"Content-Type", "multipart/form-data; boundary=b"}}).status,
            403);
}

TEST_F(LeaveMessagesTest, AllocationFailedIsRetriedWhenAnAgentOfTheQueueSignsIn) {
  StartDaemon();
  // v1 is the phone queue's only agent and is signed out.
  HttpReply created = UploadVoice("+15550002222", "phone", std::string(2000, 'a'));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.Json().Int("/id").value_or(0);
  WaitForStatus(id, "allocation_failed");

  HttpReply signed_in = Api("PUT", "/api/v1/agents/v1/state", kAcmeAdmin, R"({"state":"signed_in"})");
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  JsonDoc allocated = WaitForStatus(id, "unprocessed");
  EXPECT_EQ(allocated.Str("/employee_id"), "v1");
}

}  // namespace
}  // namespace routerd::gateway_test
