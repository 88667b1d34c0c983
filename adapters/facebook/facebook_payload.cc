#include "facebook/facebook_payload.h"

#include <string>

#include "common/event_names.h"
#include "common/json.h"
#include "common/text.h"
#include "common/time_units.h"

namespace routerd::adapters::facebook {
namespace {

std::string Indexed(std::string_view name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

// The name of a messaging event that is not a customer message.
std::string_view IgnoredEventName(JsonObject event) {
  static constexpr std::string_view kKnown[] = {
      "delivery",       "read",           "reaction",           "optin",
      "referral",       "account_linking", "pass_thread_control", "take_thread_control",
      "request_thread_control", "app_roles", "policy_enforcement", "message_edit",
      "game_play",      "checkout_update", "payment",            "feedback",
  };

  for (std::string_view name : kKnown) {
    JsonElement ignored;
    if (event.at_key(name).get(ignored) == simdjson::SUCCESS) return name;
  }
  return "unknown_event";
}

StatusOr<std::string> CustomerId(JsonObject event) {
  auto sender = ObjectField(event, "sender");
  if (!sender.ok()) return sender.status();
  auto id = OptionalIdField(*sender, "id");
  if (!id.ok()) return WithContext(id.status(), "sender");
  if (id->has_value()) return std::move(**id);
  auto user_ref = OptionalIdField(*sender, "user_ref");
  if (!user_ref.ok()) return WithContext(user_ref.status(), "sender");
  if (user_ref->has_value()) return std::move(**user_ref);
  return Status::InvalidArgument("sender: field 'id' or 'user_ref' is required");
}

StatusOr<std::int64_t> SentAtMs(JsonObject event) {
  auto timestamp = IntegerField(event, "timestamp");
  if (!timestamp.ok()) return timestamp.status();
  if (*timestamp < 0) return Status::InvalidArgument("field 'timestamp' must not be negative");
  return EpochToMillis(*timestamp);
}

Status ParseAttachments(JsonArray attachments, Contact& contact) {
  size_t i = 0;
  for (JsonElement element : attachments) {
    const std::string where = Indexed("attachments", i++);
    auto attachment = AsObject(element, where);
    if (!attachment.ok()) return attachment.status();
    auto type = StringField(*attachment, "type");
    if (!type.ok()) return WithContext(type.status(), where);
    auto payload = OptionalObjectField(*attachment, "payload");
    if (!payload.ok()) return WithContext(payload.status(), where);
    if (!payload->has_value()) continue;
    auto url = OptionalStringField(**payload, "url");
    if (!url.ok()) return WithContext(url.status(), where + ".payload");
    AttachmentRef ref;
    ref.type = *type;
    if (url->has_value() && !(*url)->empty()) {
      ref.reference = **url;
    } else {
      auto coordinates = OptionalObjectField(**payload, "coordinates");
      if (!coordinates.ok()) return WithContext(coordinates.status(), where + ".payload");
      if (!coordinates->has_value()) continue;  // e.g. a template: nothing to fetch
      auto lat = NumberField(**coordinates, "lat");
      if (!lat.ok()) return WithContext(lat.status(), where + ".payload.coordinates");
      auto lon = NumberField(**coordinates, "long");
      if (!lon.ok()) return WithContext(lon.status(), where + ".payload.coordinates");
      ref.reference = GeoUri(*lat, *lon);
    }
    auto title = OptionalStringField(*attachment, "title");
    if (!title.ok()) return WithContext(title.status(), where);
    if (title->has_value()) ref.name = **title;
    contact.attachments.push_back(std::move(ref));
  }
  return Status::Ok();
}

Status ParseMessage(JsonObject event, JsonObject message, ParsedBatch& out) {
  auto is_echo = OptionalBoolField(message, "is_echo");
  if (!is_echo.ok()) return WithContext(is_echo.status(), "message");
  if (is_echo->value_or(false)) {
    out.ignored.push_back("echo");
    return Status::Ok();
  }
  auto customer = CustomerId(event);
  if (!customer.ok()) return customer.status();
  auto sent_at = SentAtMs(event);
  if (!sent_at.ok()) return sent_at.status();
  auto mid = StringField(message, "mid");
  if (!mid.ok()) return WithContext(mid.status(), "message");
  auto text = OptionalStringField(message, "text");
  if (!text.ok()) return WithContext(text.status(), "message");
  auto attachments = OptionalArrayField(message, "attachments");
  if (!attachments.ok()) return WithContext(attachments.status(), "message");

  Contact contact;
  if (attachments->has_value()) {
    Status s = ParseAttachments(**attachments, contact);
    if (!s.ok()) return WithContext(s, "message");
  }
  contact.customer_id = std::move(*customer);
  contact.provider_message_id = *mid;
  contact.sent_at_ms = *sent_at;
  if (text->has_value()) contact.text = **text;
  out.contacts.push_back(std::move(contact));
  return Status::Ok();
}

Status ParsePostback(JsonObject event, JsonObject postback, ParsedBatch& out) {
  auto customer = CustomerId(event);
  if (!customer.ok()) return customer.status();
  auto timestamp = IntegerField(event, "timestamp");
  if (!timestamp.ok()) return timestamp.status();
  if (*timestamp < 0) return Status::InvalidArgument("field 'timestamp' must not be negative");
  auto mid = OptionalStringField(postback, "mid");
  if (!mid.ok()) return WithContext(mid.status(), "postback");
  auto title = OptionalStringField(postback, "title");
  if (!title.ok()) return WithContext(title.status(), "postback");

  Contact contact;
  if (mid->has_value()) {
    contact.provider_message_id = **mid;
  } else {
    // The raw timestamp, not the normalized one, so the id is what Meta sent.
    contact.provider_message_id = "postback:" + *customer + ":" + std::to_string(*timestamp);
  }
  contact.customer_id = std::move(*customer);
  contact.sent_at_ms = EpochToMillis(*timestamp);
  if (title->has_value()) contact.text = **title;
  out.contacts.push_back(std::move(contact));
  return Status::Ok();
}

Status ParseMessagingEvent(JsonObject event, ParsedBatch& out) {
  auto message = OptionalObjectField(event, "message");
  if (!message.ok()) return message.status();
  if (message->has_value()) return ParseMessage(event, **message, out);
  auto postback = OptionalObjectField(event, "postback");
  if (!postback.ok()) return postback.status();
  if (postback->has_value()) return ParsePostback(event, **postback, out);
  out.ignored.push_back(IgnoredEventName(event));
  return Status::Ok();
}

// Counts each element of entry[key] under `name`, checking only that it is an array.
Status CountIgnored(JsonObject entry, std::string_view key, std::string_view name, ParsedBatch& out) {
  auto events = OptionalArrayField(entry, key);
  if (!events.ok()) return events.status();
  if (events->has_value()) {
    for ([[maybe_unused]] JsonElement e : **events) out.ignored.push_back(name);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ParsedBatch> ParseMessengerPayload(std::string_view body) {
  auto root = ParseJsonObject(body);
  if (!root.ok()) return root.status();
  auto object = StringField(*root, "object");
  if (!object.ok()) return object.status();
  if (*object != "page") return Status::InvalidArgument("field 'object' must be \"page\"");
  auto entries = ArrayField(*root, "entry");
  if (!entries.ok()) return entries.status();

  ParsedBatch out;
  size_t i = 0;
  for (JsonElement e : *entries) {
    const std::string where = Indexed("entry", i++);
    auto entry = AsObject(e, where);
    if (!entry.ok()) return entry.status();
    auto messaging = OptionalArrayField(*entry, "messaging");
    if (!messaging.ok()) return WithContext(messaging.status(), where);
    if (messaging->has_value()) {
      size_t j = 0;
      for (JsonElement m : **messaging) {
        auto event = AsObject(m, Indexed("messaging", j));
        if (!event.ok()) return WithContext(event.status(), where);
        Status s = ParseMessagingEvent(*event, out);
        if (!s.ok()) return WithContext(s, where + "." + Indexed("messaging", j));
        ++j;
      }
    }
    Status standby = CountIgnored(*entry, "standby", "standby", out);
    if (!standby.ok()) return WithContext(standby, where);
    Status changes = CountIgnored(*entry, "changes", "change", out);
    if (!changes.ok()) return WithContext(changes, where);
  }
  return out;
}

}  // namespace routerd::adapters::facebook
