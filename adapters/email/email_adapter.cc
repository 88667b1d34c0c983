#include "email/email_adapter.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "common/content_type.h"
#include "common/replay_cache.h"
#include "common/responses.h"
#include "common/time_units.h"
#include "email/email_payload.h"
#include "email/email_signature.h"

namespace routerd::adapters::email {
namespace {

constexpr std::string_view kKind = "email";
// Mailgun retries a delivery it did not get a 200 (or 406) for with the
// original timestamp, token and signature, for up to 8 hours (10 min, 15 min,
// 30 min, 1 h, 2 h, 4 h after the first attempt; another page of its docs
// says 5 min, 10 min, 15 min, 1 h, 2 h, 4 h). A window shorter than that
// would refuse the later retries as replays and lose the email; the token
// cache is what stops a replay inside it. 8.5 h: the 8 h horizon and half
// an hour for queueing on Mailgun's side.
constexpr std::int64_t kDefaultTimestampToleranceSeconds = 30600;
// A signing time in the future is clock skew, never a retry.
constexpr std::int64_t kMaxFutureSkewSeconds = 300;
// Tokens remembered per channel: about 100 bytes each, 10 MB at most;
// 100 000 within 8.5 h is 3 emails a second, sustained, on one channel.
constexpr std::size_t kMaxRememberedTokens = 100'000;

// What a token delivered: every field but the signature's own, and the
// attachments' names, types and sizes. Fields and not raw bytes, because a
// retry of a multipart post may come with another boundary.
std::string ContentDigestInput(const MailgunForm& form) {
  std::string out;
  for (const MailgunForm::Field& f : form.fields()) {
    if (f.name == "timestamp" || f.name == "token" || f.name == "signature") continue;
    out.append(std::to_string(f.name.size())).append(":").append(f.name);
    out.append(std::to_string(f.value.size())).append(":").append(f.value);
  }
  for (const MailgunForm::File& file : form.files()) {
    out.append("file:").append(file.field_name).append("\n").append(file.filename).append("\n");
    out.append(file.content_type).append("\n").append(std::to_string(file.size)).append("\n");
  }
  return out;
}

class EmailAdapter final : public ChannelAdapter {
 public:
  EmailAdapter(ChannelIdentity identity, std::string signing_key, std::int64_t tolerance_seconds)
      : identity_(std::move(identity)),
        signing_key_(std::move(signing_key)),
        tolerance_seconds_(tolerance_seconds),
        // A token stays fresh from kMaxFutureSkewSeconds before its signing
        // time until the window closes after it. With the check off, tokens
        // are still remembered for the default window.
        tokens_((tolerance_seconds > 0 ? tolerance_seconds : kDefaultTimestampToleranceSeconds) * 1000 +
                    kMaxFutureSkewSeconds * 1000,
                kMaxRememberedTokens) {}

  WebhookOutcome Handle(const WebhookRequest& request) const override {
    if (request.method != "POST") {
      WebhookOutcome outcome =
          Reject(405, WebhookRejection::kMethod, "method_not_allowed", "inbound routes deliver with POST");
      outcome.response.headers.emplace_back("Allow", "POST");
      return outcome;
    }
    if (!MediaTypeIs(request.content_type, "application/x-www-form-urlencoded") &&
        !MediaTypeIs(request.content_type, "multipart/form-data")) {
      return Reject(415, WebhookRejection::kUnsupportedMedia, "unsupported_media_type",
                    "expected application/x-www-form-urlencoded or multipart/form-data");
    }
    if (request.body.empty()) return Reject(400, WebhookRejection::kMalformed, "malformed", "empty body");
    if (request.body.size() > kMaxBodyBytes) {
      return Reject(413, WebhookRejection::kMalformed, "payload_too_large", "body larger than 40 MiB");
    }

    auto form = DecodeMailgunForm(request.content_type, request.body);
    if (!form.ok()) return Reject(400, WebhookRejection::kMalformed, "malformed", form.status().message());

    // Exactly one of each signature field: with two, which one was signed is ambiguous.
    if (form->Count("timestamp") != 1 || form->Count("token") != 1 || form->Count("signature") != 1) {
      return Reject(406, WebhookRejection::kBadSignature, "bad_signature",
                    "exactly one timestamp, token and signature field is required");
    }
    const std::string_view timestamp = *form->Get("timestamp");
    if (!VerifyMailgunSignature(signing_key_, timestamp, *form->Get("token"), *form->Get("signature"))) {
      return Reject(406, WebhookRejection::kBadSignature, "bad_signature", "signature does not match");
    }
    if (!TimestampFresh(timestamp, request.now_unix_ms)) {
      return Reject(406, WebhookRejection::kReplay, "replay", "timestamp outside the allowed window");
    }
    switch (tokens_.Check(*form->Get("token"), ContentDigestInput(*form), request.now_unix_ms)) {
      case ReplayCache::Verdict::kNew:
      case ReplayCache::Verdict::kRepeat:  // a retry: deduplicated like any (Message-Id)
        break;
      case ReplayCache::Verdict::kConflict:
        return Reject(406, WebhookRejection::kReplay, "replay", "token already used for a different email");
      case ReplayCache::Verdict::kFull: {
        WebhookOutcome busy =
            Reject(503, WebhookRejection::kOverloaded, "overloaded", "too many deliveries to remember; retry later");
        busy.response.headers.emplace_back("Retry-After", "60");
        return busy;
      }
    }

    auto contact = NormalizeMailgunForm(*form);
    if (!contact.ok()) return Reject(400, WebhookRejection::kMalformed, "malformed", contact.status().message());
    contact->tenant_id = identity_.tenant_id;
    contact->channel_kind = identity_.kind;
    contact->channel_id = identity_.channel_id;
    contact->received_at_ms = request.now_unix_ms;

    WebhookOutcome outcome{OkText("OK")};
    outcome.contacts.push_back(std::move(*contact));
    return outcome;
  }

 private:
  bool TimestampFresh(std::string_view timestamp, std::int64_t now_unix_ms) const {
    std::optional<std::int64_t> seconds = ParseEpochString(timestamp);
    if (!seconds.has_value()) return false;  // also with the check off: sent_at_ms needs it
    if (tolerance_seconds_ == 0) return true;
    const std::int64_t now_seconds = now_unix_ms / 1000;
    if (*seconds > now_seconds) return *seconds - now_seconds <= std::min(tolerance_seconds_, kMaxFutureSkewSeconds);
    return now_seconds - *seconds <= tolerance_seconds_;
  }

  const ChannelIdentity identity_;
  const std::string signing_key_;
  const std::int64_t tolerance_seconds_;
  // Tokens already used, so that each delivers one email (replay_cache.h).
  mutable ReplayCache tokens_;
};

class EmailAdapterFactory final : public ChannelAdapterFactory {
 public:
  std::string_view Kind() const override { return kKind; }

  StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity, ChannelOptions& options) const override {
    auto key = options.RequiredSecret("signing_key");
    if (!key.ok()) return key.status();
    std::int64_t tolerance = kDefaultTimestampToleranceSeconds;
    auto configured = options.OptionalInt("timestamp_tolerance_seconds");
    if (!configured.ok()) return configured.status();
    if (configured->has_value()) {
      if (**configured < 0) {
        return options.Error("timestamp_tolerance_seconds", "must be >= 0 (0 disables the check)");
      }
      tolerance = **configured;
    }
    return ChannelAdapterPtr(std::make_shared<EmailAdapter>(identity, std::move(*key), tolerance));
  }
};

}  // namespace

std::unique_ptr<routerd::ChannelAdapterFactory> MakeEmailAdapterFactory() {
  return std::make_unique<EmailAdapterFactory>();
}

}  // namespace routerd::adapters::email
