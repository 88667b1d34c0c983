#include "line/line_payload.h"

#include <string>

#include "common/event_names.h"
#include "common/json.h"
#include "common/text.h"
#include "common/time_units.h"

namespace routerd::adapters::line {
namespace {

StatusOr<std::string> CustomerId(JsonObject event) {
  auto source = ObjectField(event, "source");
  if (!source.ok()) return source.status();
  for (std::string_view key : {"userId", "groupId", "roomId"}) {
    auto id = OptionalStringField(*source, key);
    if (!id.ok()) return WithContext(id.status(), "source");
    if (id->has_value() && !(*id)->empty()) return std::string(**id);
  }
  return Status::InvalidArgument("source: field 'userId' (or 'groupId'/'roomId') is required");
}

Status ParseContent(JsonObject message, std::string_view type, Contact& contact) {
  if (type == "text") {
    auto text = StringField(message, "text");
    if (!text.ok()) return text.status();
    contact.text = *text;
    return Status::Ok();
  }
  if (type == "image" || type == "video" || type == "audio" || type == "file") {
    auto id = StringField(message, "id");
    if (!id.ok()) return id.status();
    auto size = OptionalIntegerField(message, "fileSize");
    if (!size.ok()) return size.status();
    if (size->has_value() && **size < 0) return Status::InvalidArgument("field 'fileSize' must not be negative");
    auto name = OptionalStringField(message, "fileName");
    if (!name.ok()) return name.status();
    AttachmentRef ref;
    ref.type = type;
    ref.reference = *id;
    if (size->has_value()) ref.size_bytes = static_cast<std::uint64_t>(**size);
    if (name->has_value()) ref.name = **name;
    contact.attachments.push_back(std::move(ref));
    return Status::Ok();
  }
  if (type == "location") {
    auto latitude = NumberField(message, "latitude");
    if (!latitude.ok()) return latitude.status();
    auto longitude = NumberField(message, "longitude");
    if (!longitude.ok()) return longitude.status();
    auto title = OptionalStringField(message, "title");
    if (!title.ok()) return title.status();
    auto address = OptionalStringField(message, "address");
    if (!address.ok()) return address.status();
    AttachmentRef ref;
    ref.type = "location";
    ref.reference = GeoUri(*latitude, *longitude);
    if (title->has_value()) ref.name = **title;
    contact.attachments.push_back(std::move(ref));
    if (address->has_value()) contact.text = **address;
    return Status::Ok();
  }
  // type == "sticker"
  auto sticker = IdField(message, "stickerId");
  if (!sticker.ok()) return sticker.status();
  auto text = OptionalStringField(message, "text");
  if (!text.ok()) return text.status();
  AttachmentRef ref;
  ref.type = "sticker";
  ref.reference = std::move(*sticker);
  contact.attachments.push_back(std::move(ref));
  if (text->has_value()) contact.text = **text;
  return Status::Ok();
}

Status ParseMessageEvent(JsonObject event, ParsedBatch& out) {
  auto message = ObjectField(event, "message");
  if (!message.ok()) return message.status();
  auto type = StringField(*message, "type");
  if (!type.ok()) return WithContext(type.status(), "message");
  const std::string_view t = *type;
  if (t != "text" && t != "image" && t != "video" && t != "audio" && t != "file" && t != "location" &&
      t != "sticker") {
    out.ignored.push_back("unknown_message");
    return Status::Ok();
  }
  auto event_id = StringField(event, "webhookEventId");
  if (!event_id.ok()) return event_id.status();
  auto timestamp = IntegerField(event, "timestamp");
  if (!timestamp.ok()) return timestamp.status();
  if (*timestamp < 0) return Status::InvalidArgument("field 'timestamp' must not be negative");
  auto customer = CustomerId(event);
  if (!customer.ok()) return customer.status();

  Contact contact;
  Status s = ParseContent(*message, t, contact);
  if (!s.ok()) return WithContext(s, "message");
  contact.customer_id = std::move(*customer);
  contact.provider_message_id = *event_id;
  contact.sent_at_ms = EpochToMillis(*timestamp);
  out.contacts.push_back(std::move(contact));
  return Status::Ok();
}

Status ParseEvent(JsonObject event, ParsedBatch& out) {
  auto type = StringField(event, "type");
  if (!type.ok()) return type.status();
  auto mode = OptionalStringField(event, "mode");
  if (!mode.ok()) return mode.status();
  if (mode->has_value() && **mode == "standby") {
    out.ignored.push_back("standby");
    return Status::Ok();
  }
  if (*type == "message") return ParseMessageEvent(event, out);
  out.ignored.push_back(StaticName(*type,
                                   {"follow", "unfollow", "join", "leave", "memberJoined", "memberLeft",
                                    "postback", "unsend", "videoPlayComplete", "beacon", "accountLink",
                                    "things", "membership", "module", "activated", "deactivated",
                                    "botSuspended", "botResumed", "delivery"},
                                   "unknown_event"));
  return Status::Ok();
}

}  // namespace

StatusOr<ParsedBatch> ParseLinePayload(std::string_view body) {
  auto root = ParseJsonObject(body);
  if (!root.ok()) return root.status();
  auto destination = OptionalStringField(*root, "destination");
  if (!destination.ok()) return destination.status();
  auto events = ArrayField(*root, "events");
  if (!events.ok()) return events.status();

  ParsedBatch out;
  size_t i = 0;
  for (JsonElement e : *events) {
    auto event = AsObject(e, "events[" + std::to_string(i) + "]");
    if (!event.ok()) return event.status();
    Status s = ParseEvent(*event, out);
    if (!s.ok()) return WithContext(s, "events[" + std::to_string(i) + "]");
    ++i;
  }
  if (i == 0) out.ignored.push_back("verify");
  return out;
}

}  // namespace routerd::adapters::line
