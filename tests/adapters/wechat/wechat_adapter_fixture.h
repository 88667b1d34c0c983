// What the WeChat adapter's tests share: an adapter built from a few keys,
// requests that own their bytes, signatures, and the pushes of the vectors.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wechat/wechat_adapter.h"
#include "wechat/wechat_crypto.h"
#include "wechat/wechat_signature.h"
#include "wechat_test_util.h"
#include "tests/adapters/wechat/wechat_vectors.h"

namespace routerd::adapters::wechat::testing {

inline constexpr std::string_view kOtherKey = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

struct Config {
  std::string token = "AAAAA";
  std::string app_id = "wx0123456789abcdef";
  std::optional<std::string> key;
  std::optional<std::string> previous_key;
  std::optional<std::int64_t> tolerance;
};

inline ChannelIdentity Identity() { return ChannelIdentity{"acme", "wx-main", "wechat"}; }

inline StatusOr<ChannelAdapterPtr> Create(const Config& config) {
  ChannelOptions options("routerd.toml", 10, "tenants[0].channels[0] 'wx-main'");
  options.Set("token", config.token, 11);
  options.Set("app_id", config.app_id, 12);
  if (config.key) options.Set("encoding_aes_key", *config.key, 13);
  if (config.previous_key) options.Set("previous_encoding_aes_key", *config.previous_key, 14);
  if (config.tolerance) options.Set("timestamp_tolerance_seconds", *config.tolerance, 15);
  auto adapter = MakeWeChatAdapterFactory()->Create(Identity(), options);
  if (adapter.ok()) {
    EXPECT_TRUE(options.UnreadKeys().empty());
  }
  return adapter;
}

inline ChannelAdapterPtr MustCreate(const Config& config) {
  auto adapter = Create(config);
  EXPECT_TRUE(adapter.ok()) << adapter.status().ToString();
  return adapter.ok() ? *adapter : nullptr;
}

// Owns the bytes a WebhookRequest views.
struct Request {
  std::string method = "POST";
  std::string query;
  std::string content_type = "text/xml";
  std::string body;
  std::int64_t now_unix_ms = 0;

  WebhookOutcome SendTo(const ChannelAdapter& adapter) const {
    WebhookRequest request;
    request.method = method;
    request.query = query;
    request.content_type = content_type;
    request.body = body;
    request.now_unix_ms = now_unix_ms;
    return adapter.Handle(request);
  }
};

inline std::string Sign(std::string_view token, std::string_view ts, std::string_view nonce) {
  const std::array<std::string_view, 3> parts = {token, ts, nonce};
  return SortedSha1Hex(parts);
}

inline std::string MsgSign(std::string_view token, std::string_view ts, std::string_view nonce, std::string_view encrypt) {
  const std::array<std::string_view, 4> parts = {token, ts, nonce, encrypt};
  return SortedSha1Hex(parts);
}

// A plain-mode push of `body` at the W2 vector's timestamp, signed for token
// AAAAA. Each push gets a nonce of its own unless one is given (the adapter
// refuses a (timestamp, nonce) pair seen with another body); W2's nonce gives
// exactly the vector's query.
inline Request PlainPush(std::string body, std::string nonce = {}) {
  static int next_nonce = 1000000000;
  if (nonce.empty()) nonce = std::to_string(++next_nonce);
  Request r;
  r.query = "signature=" + Sign("AAAAA", "1714037059", nonce) + "&timestamp=1714037059&nonce=" + nonce + "&openid=o1";
  r.body = std::move(body);
  r.now_unix_ms = 1714037059000;
  return r;
}

// The W4 safe-mode push, exactly as the vector gives it.
inline Request W4Push() {
  Request r;
  r.query = "signature=ignored&timestamp=1458300676&nonce=260774613&openid=o1&encrypt_type=aes"
            "&msg_signature=4f3ad57b6989f09f4eb392acce4f9e93942ed890";
  r.body = ReadFixture("wechat/safe_w4.xml");
  r.now_unix_ms = 1458300676000;
  return r;
}

inline Config W4Config() {
  Config c;
  c.token = "pamtest";
  c.app_id = std::string(kW4AppId);
  c.key = std::string(kW4Key);
  return c;
}

// A safe-mode push of `msg` encrypted with `key` for `app_id`, properly signed.
inline Request SafePush(std::string_view token, std::string_view key43, std::string_view app_id, std::string_view msg,
                 int pad_override = -1) {
  const std::string key = DecodeEncodingAesKey(key43).value();
  const std::string encrypt = EncryptForTest(key, "abcdefghijklmnop", msg, app_id, pad_override);
  Request r;
  r.query = Query({{"timestamp", "1700000000"},
                   {"nonce", "42"},
                   {"encrypt_type", "aes"},
                   {"msg_signature", MsgSign(token, "1700000000", "42", encrypt)}});
  r.body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>";
  r.now_unix_ms = 1700000000000;
  return r;
}

inline void ExpectRejected(const WebhookOutcome& outcome, int status, WebhookRejection why, std::string_view error) {
  EXPECT_EQ(outcome.response.status, status);
  EXPECT_EQ(outcome.rejection, why);
  EXPECT_EQ(outcome.response.content_type, "application/json");
  EXPECT_NE(outcome.response.body.find("\"error\":\"" + std::string(error) + "\""), std::string::npos)
      << outcome.response.body;
  EXPECT_TRUE(outcome.contacts.empty());
}

inline void ExpectSuccess(const WebhookOutcome& outcome) {
  EXPECT_EQ(outcome.response.status, 200) << outcome.response.body;
  EXPECT_EQ(outcome.rejection, WebhookRejection::kNone);
  EXPECT_EQ(outcome.response.content_type, "text/plain");
  EXPECT_EQ(outcome.response.body, "success");
}

}  // namespace routerd::adapters::wechat::testing
