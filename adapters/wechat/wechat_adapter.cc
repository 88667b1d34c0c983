#include "wechat/wechat_adapter.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "common/content_type.h"
#include "common/replay_cache.h"
#include "common/responses.h"
#include "common/text.h"
#include "common/time_units.h"
#include "wechat/wechat_crypto.h"
#include "wechat/wechat_payload.h"
#include "wechat/wechat_signature.h"

namespace routerd::adapters::wechat {
namespace {

constexpr std::string_view kKind = "wechat";
constexpr std::int64_t kDefaultTimestampToleranceSeconds = 300;
// Plain-mode (timestamp, nonce) pairs remembered per channel: about 100 bytes
// each, 10 MB at most.
constexpr std::size_t kMaxRememberedNonces = 100'000;

struct Settings {
  std::string token;
  std::string app_id;
  std::string aes_key;           // 32 bytes; empty when safe mode is off
  std::string previous_aes_key;  // 32 bytes or empty
  std::int64_t timestamp_tolerance_seconds = kDefaultTimestampToleranceSeconds;
};

class WeChatAdapter final : public ChannelAdapter {
 public:
  WeChatAdapter(ChannelIdentity identity, Settings settings)
      : identity_(std::move(identity)),
        settings_(std::move(settings)),
        // A query timestamp is fresh from `tolerance` before now to
        // `tolerance` after: a pair can pass for twice the tolerance. With the
        // check off, pairs are still remembered for the default window.
        nonces_(2 * 1000 *
                    (settings_.timestamp_tolerance_seconds > 0 ? settings_.timestamp_tolerance_seconds
                                                               : kDefaultTimestampToleranceSeconds),
                kMaxRememberedNonces) {}

  WebhookOutcome Handle(const WebhookRequest& request) const override {
    if (request.method == "GET") return Handshake(request);
    if (request.method == "POST") return Deliver(request);
    WebhookOutcome outcome =
        Reject(405, WebhookRejection::kMethod, "method_not_allowed", "use GET for the handshake, POST for pushes");
    outcome.response.headers.emplace_back("Allow", "GET, POST");
    return outcome;
  }

 private:
  bool SafeMode() const { return !settings_.aes_key.empty(); }

  // Tries the current key, then the previous one when the first failure looks
  // like a wrong key (padding, length or app id check).
  StatusOr<std::string> Decrypt(std::string_view encrypt) const {
    auto msg = DecryptMessage(settings_.aes_key, encrypt, settings_.app_id);
    if (msg.ok() || msg.status().code() != StatusCode::kUnauthenticated || settings_.previous_aes_key.empty()) {
      return msg;
    }
    auto previous = DecryptMessage(settings_.previous_aes_key, encrypt, settings_.app_id);
    if (previous.ok()) return previous;
    return msg;
  }

  WebhookOutcome Handshake(const WebhookRequest& request) const {
    const std::string timestamp = request.QueryParam("timestamp");
    const std::string nonce = request.QueryParam("nonce");
    const std::string echostr = request.QueryParam("echostr");
    if (timestamp.empty() || nonce.empty() || echostr.empty()) {
      return Reject(401, WebhookRejection::kBadHandshake, "bad_handshake",
                    "timestamp, nonce and echostr are required");
    }
    if (SafeMode() && request.HasQueryParam("msg_signature")) {
      // WeCom style: the echostr itself is encrypted.
      if (!VerifyMsgSignature(settings_.token, timestamp, nonce, echostr, request.QueryParam("msg_signature"))) {
        return Reject(401, WebhookRejection::kBadHandshake, "bad_handshake", "msg_signature does not match");
      }
      auto plain = Decrypt(echostr);
      if (!plain.ok()) {
        return Reject(401, WebhookRejection::kBadHandshake, "bad_handshake", "echostr does not decrypt");
      }
      return WebhookOutcome{OkText(std::move(*plain))};
    }
    if (!VerifySignature(settings_.token, timestamp, nonce, request.QueryParam("signature"))) {
      return Reject(401, WebhookRejection::kBadHandshake, "bad_handshake", "signature does not match");
    }
    return WebhookOutcome{OkText(echostr)};
  }

  // The replay guard on the (signed) query timestamp.
  bool TimestampFresh(std::string_view timestamp, std::int64_t now_unix_ms) const {
    if (settings_.timestamp_tolerance_seconds == 0) return true;
    std::optional<std::int64_t> seconds = ParseEpochString(timestamp);
    if (!seconds.has_value()) return false;
    const std::int64_t now_seconds = now_unix_ms / 1000;
    const std::int64_t skew = *seconds > now_seconds ? *seconds - now_seconds : now_seconds - *seconds;
    return skew <= settings_.timestamp_tolerance_seconds;
  }

  WebhookOutcome Deliver(const WebhookRequest& request) const {
    if (!request.content_type.empty() && !MediaTypeIs(request.content_type, "text/xml") &&
        !MediaTypeIs(request.content_type, "application/xml")) {
      return Reject(415, WebhookRejection::kUnsupportedMedia, "unsupported_media_type",
                    "expected text/xml or application/xml");
    }
    if (request.body.empty()) return Reject(400, WebhookRejection::kMalformed, "malformed", "empty body");
    if (request.body.size() > kMaxBodyBytes) {
      return Reject(413, WebhookRejection::kMalformed, "payload_too_large", "body larger than 1 MiB");
    }

    const std::string timestamp = request.QueryParam("timestamp");
    const std::string nonce = request.QueryParam("nonce");
    const std::string encrypt_type = request.QueryParam("encrypt_type");
    std::string decrypted;
    std::string_view xml = request.body;
    if (encrypt_type == "aes") {
      if (!SafeMode()) {
        return Reject(401, WebhookRejection::kBadSignature, "bad_signature",
                      "encrypted push, but no encoding_aes_key is configured");
      }
      auto encrypt = ExtractEncrypt(request.body);
      if (!encrypt.ok()) return Reject(400, WebhookRejection::kMalformed, "malformed", encrypt.status().message());
      if (!VerifyMsgSignature(settings_.token, timestamp, nonce, *encrypt, request.QueryParam("msg_signature"))) {
        return Reject(401, WebhookRejection::kBadSignature, "bad_signature", "msg_signature does not match");
      }
      if (!TimestampFresh(timestamp, request.now_unix_ms)) {
        return Reject(401, WebhookRejection::kReplay, "replay", "timestamp outside the allowed window");
      }
      auto plain = Decrypt(*encrypt);
      if (!plain.ok()) {
        if (plain.status().code() == StatusCode::kInvalidArgument) {
          return Reject(400, WebhookRejection::kMalformed, "malformed", plain.status().message());
        }
        return Reject(401, WebhookRejection::kBadSignature, "bad_signature", "Encrypt does not decrypt for this app");
      }
      decrypted = std::move(*plain);
      xml = decrypted;
    } else if (encrypt_type.empty() || encrypt_type == "raw") {
      if (SafeMode()) {
        return Reject(401, WebhookRejection::kBadSignature, "bad_signature",
                      "plain-mode push refused: this channel is configured for safe mode");
      }
      if (!VerifySignature(settings_.token, timestamp, nonce, request.QueryParam("signature"))) {
        return Reject(401, WebhookRejection::kBadSignature, "bad_signature", "signature does not match");
      }
      if (!TimestampFresh(timestamp, request.now_unix_ms)) {
        return Reject(401, WebhookRejection::kReplay, "replay", "timestamp outside the allowed window");
      }
      // The signature does not cover the body: a captured query string
      // would deliver any XML while fresh. Each (timestamp, nonce) delivers
      // one body; the same body again (WeChat's retry) still passes and is
      // deduplicated on its MsgId (replay_cache.h).
      switch (nonces_.Check(timestamp + "\n" + nonce, request.body, request.now_unix_ms)) {
        case ReplayCache::Verdict::kNew:
        case ReplayCache::Verdict::kRepeat:
          break;
        case ReplayCache::Verdict::kConflict:
          return Reject(401, WebhookRejection::kReplay, "replay",
                        "timestamp and nonce already used for a different message");
        case ReplayCache::Verdict::kFull:
          return Reject(503, WebhookRejection::kOverloaded, "overloaded",
                        "too many deliveries to remember; retry later");
      }
    } else {
      return Reject(400, WebhookRejection::kMalformed, "malformed", "unsupported encrypt_type");
    }

    if (!IsValidUtf8(xml)) return Reject(400, WebhookRejection::kMalformed, "malformed", "body is not valid UTF-8");
    auto payload = ParseWeChatPayload(xml);
    if (!payload.ok()) return Reject(400, WebhookRejection::kMalformed, "malformed", payload.status().message());

    WebhookOutcome outcome{OkText("success")};
    outcome.contacts = std::move(payload->contacts);
    outcome.ignored = std::move(payload->ignored);
    for (Contact& contact : outcome.contacts) {
      contact.tenant_id = identity_.tenant_id;
      contact.channel_kind = identity_.kind;
      contact.channel_id = identity_.channel_id;
      contact.received_at_ms = request.now_unix_ms;
    }
    return outcome;
  }

  const ChannelIdentity identity_;
  const Settings settings_;
  // Plain-mode (timestamp, nonce) pairs already used, with what they delivered.
  mutable ReplayCache nonces_;
};

class WeChatAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }

  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    Settings settings;
    auto token = options.RequiredSecret("token");
    if (!token.ok()) return token.status();
    settings.token = std::move(*token);
    auto app_id = options.RequiredString("app_id");
    if (!app_id.ok()) return app_id.status();
    settings.app_id = std::move(*app_id);

    auto key = ReadAesKey(options, "encoding_aes_key");
    if (!key.ok()) return key.status();
    settings.aes_key = std::move(*key);
    auto previous = ReadAesKey(options, "previous_encoding_aes_key");
    if (!previous.ok()) return previous.status();
    settings.previous_aes_key = std::move(*previous);
    if (settings.aes_key.empty() && !settings.previous_aes_key.empty()) {
      return options.Error("previous_encoding_aes_key", "needs encoding_aes_key as well");
    }

    auto tolerance = options.OptionalInt("timestamp_tolerance_seconds");
    if (!tolerance.ok()) return tolerance.status();
    if (tolerance->has_value()) {
      if (**tolerance < 0) return options.Error("timestamp_tolerance_seconds", "must be >= 0 (0 disables the check)");
      settings.timestamp_tolerance_seconds = **tolerance;
    }
    return ChannelAdapterPtr(std::make_shared<WeChatAdapter>(identity, std::move(settings)));
  }

 private:
  // Empty when the key is not configured.
  static StatusOr<std::string> ReadAesKey(ChannelOptions& options, std::string_view name) {
    auto value = options.OptionalSecret(name);
    if (!value.ok()) return value.status();
    if (!value->has_value()) return std::string();
    auto key = DecodeEncodingAesKey(**value);
    if (!key.ok()) {
      return options.Error(name, "must be the 43-character EncodingAESKey from the WeChat console");
    }
    return std::move(*key);
  }
};

}  // namespace

std::unique_ptr<routerd::ChannelAdapterFactory> MakeWeChatAdapterFactory() {
  return std::make_unique<WeChatAdapterFactory>();
}

}  // namespace routerd::adapters::wechat
