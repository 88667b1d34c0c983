// The WeChat adapter in safe (encrypted) mode: the vectors' pushes decrypt,
// key rotation, and every way an envelope or its plaintext can be wrong.
#include "wechat/wechat_adapter.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>

#include "wechat/wechat_crypto.h"
#include "wechat/wechat_payload.h"
#include "wechat/wechat_signature.h"
#include "tests/adapters/wechat/wechat_adapter_fixture.h"
#include "wechat_test_util.h"
#include "tests/adapters/wechat/wechat_vectors.h"

namespace routerd::adapters::wechat {
namespace {

using testing::kW4Key;
using testing::kW4AppId;
using testing::kW5Key;

using testing::EncryptForTest;
using testing::Query;
using testing::ReadFixture;
using testing::Config;
using testing::MustCreate;
using testing::Request;
using testing::Sign;
using testing::MsgSign;
using testing::PlainPush;
using testing::W4Push;
using testing::W4Config;
using testing::SafePush;
using testing::ExpectRejected;
using testing::ExpectSuccess;
using testing::kOtherKey;

TEST(WeChatSafeModeTest, W4PushDecrypts) {
  auto adapter = MustCreate(W4Config());
  WebhookOutcome outcome = W4Push().SendTo(*adapter);
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  const Contact& c = outcome.contacts[0];
  EXPECT_EQ(c.customer_id, "asdasdasdsadasd");
  EXPECT_EQ(c.provider_message_id, "12345");
  EXPECT_EQ(c.text, "hello");
  EXPECT_EQ(c.sent_at_ms, 1234567898000);
  EXPECT_EQ(c.channel_id, "wx-main");
  EXPECT_EQ(c.received_at_ms, 1458300676000);
}

TEST(WeChatSafeModeTest, W5WeComPushDecrypts) {
  Config config;
  config.token = "123456";
  config.app_id = "wx49f0ab532d5d035a";
  config.key = std::string(kW5Key);
  Request r;
  r.query = "timestamp=1411525903&nonce=461056294&encrypt_type=aes&msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d";
  r.body = ReadFixture("wechat/safe_w5_wecom.xml");
  r.now_unix_ms = 1411525903000;
  WebhookOutcome outcome = r.SendTo(*MustCreate(config));
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  EXPECT_EQ(outcome.contacts[0].customer_id, "messense");
  EXPECT_EQ(outcome.contacts[0].text, "test");
  EXPECT_EQ(outcome.contacts[0].provider_message_id, "4363689963896700987");
  EXPECT_EQ(outcome.contacts[0].sent_at_ms, 1411525903000);
}

TEST(WeChatSafeModeTest, FallsBackToThePreviousKey) {
  Config rotated = W4Config();
  rotated.key = std::string(kOtherKey);
  rotated.previous_key = std::string(kW4Key);
  WebhookOutcome outcome = W4Push().SendTo(*MustCreate(rotated));
  ExpectSuccess(outcome);
  ASSERT_EQ(outcome.contacts.size(), 1u);
  EXPECT_EQ(outcome.contacts[0].text, "hello");

  // The current key still works while a previous one is configured.
  Config current_first = W4Config();
  current_first.previous_key = std::string(kOtherKey);
  ExpectSuccess(W4Push().SendTo(*MustCreate(current_first)));
}

TEST(WeChatSafeModeTest, WrongKeysAreRejected) {
  Config wrong = W4Config();
  wrong.key = std::string(kOtherKey);
  ExpectRejected(W4Push().SendTo(*MustCreate(wrong)), 401, WebhookRejection::kBadSignature, "bad_signature");
  wrong.previous_key = std::string(kW5Key);
  ExpectRejected(W4Push().SendTo(*MustCreate(wrong)), 401, WebhookRejection::kBadSignature, "bad_signature");
}

TEST(WeChatSafeModeTest, WrongAppIdIsRejected) {
  Config other_app = W4Config();
  other_app.app_id = "wx0000000000000000";
  ExpectRejected(W4Push().SendTo(*MustCreate(other_app)), 401, WebhookRejection::kBadSignature, "bad_signature");
}

TEST(WeChatSafeModeTest, BadPaddingIsRejected) {
  Config config = W4Config();
  auto adapter = MustCreate(config);
  const std::string msg = ReadFixture("wechat/text.xml");
  ExpectSuccess(SafePush("pamtest", kW4Key, kW4AppId, msg).SendTo(*adapter));
  for (int pad : {0, 33}) {
    ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, msg, pad).SendTo(*adapter), 401,
                   WebhookRejection::kBadSignature, "bad_signature");
  }
}

TEST(WeChatSafeModeTest, RejectsBadMsgSignatureAndReplays) {
  auto adapter = MustCreate(W4Config());
  Request r = W4Push();
  r.query = "timestamp=1458300676&nonce=260774613&encrypt_type=aes&msg_signature=4f3ad57b6989f09f4eb392acce4f9e93942ed891";
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  // signature alone is not enough in safe mode.
  r.query = "timestamp=1458300676&nonce=260774613&encrypt_type=aes&signature=" + Sign("pamtest", "1458300676",
                                                                                      "260774613");
  ExpectRejected(r.SendTo(*adapter), 401, WebhookRejection::kBadSignature, "bad_signature");
  Request replay = W4Push();
  replay.now_unix_ms += 301 * 1000;
  ExpectRejected(replay.SendTo(*adapter), 401, WebhookRejection::kReplay, "replay");
}

TEST(WeChatSafeModeTest, ModeMismatches) {
  // A safe-mode channel refuses plain pushes (the plain signature does not cover the body).
  Config safe = W4Config();
  safe.token = "AAAAA";
  ExpectRejected(PlainPush(ReadFixture("wechat/text.xml")).SendTo(*MustCreate(safe)), 401,
                 WebhookRejection::kBadSignature, "bad_signature");
  // A plain-mode channel cannot decrypt.
  Config plain = W4Config();
  plain.key.reset();
  ExpectRejected(W4Push().SendTo(*MustCreate(plain)), 401, WebhookRejection::kBadSignature, "bad_signature");
  Request odd = W4Push();
  odd.query = "timestamp=1458300676&nonce=260774613&encrypt_type=des";
  ExpectRejected(odd.SendTo(*MustCreate(W4Config())), 400, WebhookRejection::kMalformed, "malformed");
}

TEST(WeChatSafeModeTest, MalformedEnvelopesAndPlaintexts) {
  auto adapter = MustCreate(W4Config());
  Request no_encrypt = W4Push();
  no_encrypt.body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName></xml>";
  ExpectRejected(no_encrypt.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  // Signed but not base64: nothing any key could decrypt.
  const std::string encrypt = "!!!!";
  Request not_b64;
  not_b64.query = Query({{"timestamp", "1700000000"},
                         {"nonce", "42"},
                         {"encrypt_type", "aes"},
                         {"msg_signature", MsgSign("pamtest", "1700000000", "42", encrypt)}});
  not_b64.body = "<xml><Encrypt>" + encrypt + "</Encrypt></xml>";
  not_b64.now_unix_ms = 1700000000000;
  ExpectRejected(not_b64.SendTo(*adapter), 400, WebhookRejection::kMalformed, "malformed");

  // Authentic ciphertext whose plaintext is not UTF-8, or not a message.
  ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, "<xml><Content>\xFF</Content></xml>").SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
  ExpectRejected(SafePush("pamtest", kW4Key, kW4AppId, "<xml><MsgType>text</MsgType>").SendTo(*adapter), 400,
                 WebhookRejection::kMalformed, "malformed");
}

}  // namespace
}  // namespace routerd::adapters::wechat
