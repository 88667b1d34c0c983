// WeChat Official Account through the real daemon: plain-mode and safe-mode
// pushes, MsgId deduplication, events, refusals and the echostr handshake.
#include <gtest/gtest.h>

#include "tests/integration/signing.h"
#include "tests/integration/webhook_test_fixture.h"

namespace routerd::integration {
namespace {

using WeChatWebhookTest = WebhookIntegrationTest;

ProviderRequest PlainPush(std::string xml) {
  return WeChatPlainPost(kWeChatPlainChannel, std::move(xml), kWeChatPlainToken);
}

ProviderRequest SafePush(std::string_view xml, std::string_view app_id = kWeChatSafeAppId) {
  return WeChatSafePost(kWeChatSafeChannel, xml, kWeChatSafeToken, kWeChatSafeAesKey, app_id);
}

TEST_F(WeChatWebhookTest, PlainModeTextOpensASessionAssignedToTheReadyAgent) {
  SignInReady("a1");
  const HttpResult res = Deliver(PlainPush(Fixture("wechat/text.xml")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "success");
  EXPECT_EQ(res.Header("Content-Type"), "text/plain");

  const RouterSnapshot s = WaitFor(
      [](const RouterSnapshot& r) { return r.sessions.size() == 1 && r.sessions[0].agent == "a1"; },
      "one session assigned to a1");
  ASSERT_EQ(s.sessions.size(), 1u);
  const SessionInfo& session = s.sessions[0];
  EXPECT_EQ(session.channel_id, kWeChatPlainChannel);
  EXPECT_EQ(session.channel_kind, "wechat");
  EXPECT_EQ(session.customer_id, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  EXPECT_EQ(session.text, "this is a test");
  EXPECT_EQ(session.provider_message_id, "1234567890123456");
  EXPECT_EQ(session.queue_id, "chat");
  EXPECT_EQ(session.messages, 1u);
}

// The attack: plain mode signs only the query, so a captured push URL would
// deliver forged messages while its timestamp is fresh.
TEST_F(WeChatWebhookTest, ACapturedPlainModeUrlWithAForgedBodyIsRefused) {
  const ProviderRequest push = PlainPush(Fixture("wechat/text.xml"));
  ASSERT_EQ(Deliver(push).status, 200);
  WaitForMessages(1);

  ProviderRequest forged = push;
  forged.body = WeChatTextXml("oAttacker000000000000000000", "9999999999999999", "click this link");
  const HttpResult res = Deliver(forged);
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.body, R"({"error":"replay","detail":"timestamp and nonce already used for a different message"})");
  const RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].customer_id, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
  EXPECT_EQ(s.total_messages(), 1u);
}

TEST_F(WeChatWebhookTest, RetriedPushIsAnswered200AndAddsNothing) {
  const ProviderRequest push = PlainPush(Fixture("wechat/text.xml"));
  ASSERT_EQ(Deliver(push).status, 200);
  WaitForMessages(1);

  const HttpResult again = Deliver(push);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "success");
  RouterSnapshot s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);

  ASSERT_EQ(Deliver(PlainPush(WeChatTextXml("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "1234567890123499", "more"))).status,
            200);
  s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 2u);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"wechat\"}"), 1u);
}

TEST_F(WeChatWebhookTest, SafeModePushIsDecryptedAndRouted) {
  const ProviderRequest push = SafePush(WeChatTextXml("oSafeModeUser01", "6000000000000000001", "encrypted hello"));
  const HttpResult res = Deliver(push);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "success");

  RouterSnapshot s = WaitForMessages(1);
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].channel_id, kWeChatSafeChannel);
  EXPECT_EQ(s.sessions[0].customer_id, "oSafeModeUser01");
  EXPECT_EQ(s.sessions[0].text, "encrypted hello");
  EXPECT_EQ(s.sessions[0].provider_message_id, "6000000000000000001");

  // Deduplicated by MsgId inside the ciphertext.
  EXPECT_EQ(Deliver(push).status, 200);
  s = Snapshot();
  ASSERT_EQ(s.sessions.size(), 1u);
  EXPECT_EQ(s.sessions[0].messages, 1u);
}

TEST_F(WeChatWebhookTest, SameMsgIdOnTwoChannelsIsTwoMessages) {
  // Deduplication is per channel instance: two accounts' MsgIds are unrelated.
  const std::string xml = WeChatTextXml("oSameUser", "7000000000000000001", "hello");
  ASSERT_EQ(Deliver(PlainPush(xml)).status, 200);
  ASSERT_EQ(Deliver(SafePush(xml)).status, 200);
  const RouterSnapshot s = WaitForMessages(2);
  ASSERT_EQ(s.sessions.size(), 2u);
  ASSERT_NE(s.Find(kWeChatPlainChannel, "oSameUser"), nullptr);
  ASSERT_NE(s.Find(kWeChatSafeChannel, "oSameUser"), nullptr);
  EXPECT_EQ(MetricValue("routerd_webhook_duplicates_total{kind=\"wechat\"}"), 0u);
}

TEST_F(WeChatWebhookTest, SafeModeRefusesBadMsgSignatureForeignAppAndPlainPushes) {
  const std::string xml = WeChatTextXml("oSafeModeUser01", "6000000000000000001", "hello");
  ProviderRequest tampered = SafePush(xml);
  const std::size_t at = tampered.target.find("msg_signature=") + 14;
  tampered.target[at] = tampered.target[at] == '0' ? '1' : '0';
  const HttpResult bad_signature = Deliver(tampered);
  EXPECT_EQ(bad_signature.status, 401);
  EXPECT_EQ(bad_signature.body, R"({"error":"bad_signature","detail":"msg_signature does not match"})");

  const HttpResult foreign = Deliver(SafePush(xml, "wx0000000000000000"));
  EXPECT_EQ(foreign.status, 401);
  EXPECT_EQ(foreign.body, R"({"error":"bad_signature","detail":"Encrypt does not decrypt for this app"})");

  const HttpResult plain = Deliver(WeChatPlainPost(kWeChatSafeChannel, xml, kWeChatSafeToken));
  EXPECT_EQ(plain.status, 401);
  EXPECT_EQ(plain.body, R"({"error":"bad_signature","detail":)"
                        R"("plain-mode push refused: this channel is configured for safe mode"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(WeChatWebhookTest, PlainModeRefusesWrongSignatureAndStaleTimestamp) {
  const HttpResult wrong =
      Deliver(WeChatPlainPost(kWeChatPlainChannel, Fixture("wechat/text.xml"), "not-the-token"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"bad_signature","detail":"signature does not match"})");

  const std::string stale = std::to_string(NowUnixSeconds() - 3600);
  const HttpResult replay = Send("POST",
                                 WebhookPath("wechat", kWeChatPlainChannel,
                                             "signature=" + WeChatSignature(kWeChatPlainToken, stale, "42") +
                                                 "&timestamp=" + stale + "&nonce=42"),
                                 Fixture("wechat/text.xml"), {{"Content-Type", "text/xml"}});
  EXPECT_EQ(replay.status, 401);
  EXPECT_EQ(replay.body, R"({"error":"replay","detail":"timestamp outside the allowed window"})");
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(WeChatWebhookTest, MalformedXmlIsRefused400) {
  const HttpResult res = Deliver(PlainPush("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><MsgType>"));
  EXPECT_EQ(res.status, 400);
  EXPECT_TRUE(res.body.starts_with(R"({"error":"malformed","detail":")")) << res.body;
  EXPECT_TRUE(Snapshot().sessions.empty());
}

TEST_F(WeChatWebhookTest, EventsAreAnsweredSuccessAndRouteNothing) {
  const HttpResult res = Deliver(PlainPush(Fixture("wechat/event_subscribe.xml")));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "success");
  EXPECT_TRUE(Snapshot().sessions.empty());
  EXPECT_EQ(MetricValue("routerd_webhook_contacts_accepted_total{kind=\"wechat\"}"), 0u);
}

TEST_F(WeChatWebhookTest, HandshakeEchoesEchostrOnlyWhenSigned) {
  const std::string ts = std::to_string(NowUnixSeconds());
  const std::string query = "signature=" + WeChatSignature(kWeChatPlainToken, ts, "1514711492") +
                            "&echostr=4375120948345356249&timestamp=" + ts + "&nonce=1514711492";
  const HttpResult ok = Send("GET", WebhookPath("wechat", kWeChatPlainChannel, query));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "4375120948345356249");

  // An Official Account in safe mode still verifies with the plain signature.
  const std::string safe_query = "signature=" + WeChatSignature(kWeChatSafeToken, ts, "7") +
                                 "&echostr=echo-safe&timestamp=" + ts + "&nonce=7";
  const HttpResult safe = Send("GET", WebhookPath("wechat", kWeChatSafeChannel, safe_query));
  EXPECT_EQ(safe.status, 200);
  EXPECT_EQ(safe.body, "echo-safe");

  const HttpResult wrong = Send("GET", WebhookPath("wechat", kWeChatSafeChannel, query));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"error":"bad_handshake","detail":"signature does not match"})");
}

}  // namespace
}  // namespace routerd::integration
