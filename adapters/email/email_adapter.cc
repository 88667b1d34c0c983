#include "email/email_adapter.h"

#include <cstdint>
#include <string>
#include <utility>

#include "common/content_type.h"
#include "common/responses.h"
#include "common/time_units.h"
#include "email/email_payload.h"
#include "email/email_signature.h"

namespace routerd::adapters::email {
namespace {

constexpr std::string_view kKind = "email";
constexpr std::int64_t kDefaultTimestampToleranceSeconds = 300;

class EmailAdapter final : public ChannelAdapter {
 public:
  EmailAdapter(ChannelIdentity identity, std::string signing_key, std::int64_t tolerance_seconds)
      : identity_(std::move(identity)),
        signing_key_(std::move(signing_key)),
        tolerance_seconds_(tolerance_seconds) {}

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
    const std::int64_t skew = *seconds > now_seconds ? *seconds - now_seconds : now_seconds - *seconds;
    return skew <= tolerance_seconds_;
  }

  const ChannelIdentity identity_;
  const std::string signing_key_;
  const std::int64_t tolerance_seconds_;
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
