#include "x/x_payload.h"

#include <string>

#include "common/json.h"
#include "common/time_units.h"

namespace routerd::adapters::x {
namespace {

// Static names for the top-level event arrays that are not DMs to us.
std::string_view IgnoredArrayName(std::string_view key) {
  if (key == "direct_message_indicate_typing_events") return "typing";
  if (key == "direct_message_mark_read_events") return "read";
  if (key == "tweet_create_events") return "tweet";
  if (key == "tweet_delete_events") return "tweet_delete";
  if (key == "favorite_events") return "favorite";
  if (key == "follow_events") return "follow";
  if (key == "unfollow_events") return "unfollow";
  if (key == "block_events") return "block";
  if (key == "unblock_events") return "unblock";
  if (key == "mute_events") return "mute";
  if (key == "unmute_events") return "unmute";
  return "unknown_event";
}

std::string_view AttachmentType(std::string_view media_type) {
  if (media_type == "photo") return "image";
  if (media_type == "video" || media_type == "animated_gif") return "video";
  return "file";
}

Status ParseAttachment(JsonObject attachment, Contact& contact) {
  auto media = OptionalObjectField(attachment, "media");
  if (!media.ok()) return media.status();
  if (!media->has_value()) return Status::Ok();  // e.g. a location attachment: nothing to fetch
  JsonObject m = **media;
  auto url = OptionalStringField(m, "media_url_https");
  if (!url.ok()) return url.status();
  auto id = OptionalIdField(m, "id_str");
  if (!id.ok()) return id.status();
  if (!id->has_value()) {
    id = OptionalIdField(m, "id");
    if (!id.ok()) return id.status();
  }
  auto type = OptionalStringField(m, "type");
  if (!type.ok()) return type.status();
  AttachmentRef ref;
  ref.type = AttachmentType(type->value_or(""));
  if (url->has_value() && !(*url)->empty()) {
    ref.reference = **url;
  } else if (id->has_value()) {
    ref.reference = std::move(**id);
  } else {
    return Status::InvalidArgument("media needs 'media_url_https' or 'id'");
  }
  contact.attachments.push_back(std::move(ref));
  return Status::Ok();
}

// Appends the customer message in `event`, or its ignored name.
Status ParseDmEvent(JsonElement element, const std::optional<std::string>& for_user_id,
                    std::optional<JsonObject> users, ParsedBatch& out) {
  auto event = AsObject(element, "the event");
  if (!event.ok()) return event.status();
  auto type = StringField(*event, "type");
  if (!type.ok()) return type.status();
  if (*type != "message_create") {
    out.ignored.push_back("unknown_event");
    return Status::Ok();
  }
  auto create = ObjectField(*event, "message_create");
  if (!create.ok()) return create.status();
  auto sender = IdField(*create, "sender_id");
  if (!sender.ok()) return WithContext(sender.status(), "message_create");
  if (!for_user_id.has_value()) return Status::InvalidArgument("field 'for_user_id' is required");
  if (*sender == *for_user_id) {
    out.ignored.push_back("own_account_event");
    return Status::Ok();
  }
  auto id = IdField(*event, "id");
  if (!id.ok()) return id.status();
  auto created = IntegerField(*event, "created_timestamp");
  if (!created.ok()) return created.status();
  if (*created < 0) return Status::InvalidArgument("field 'created_timestamp' must not be negative");
  auto data = ObjectField(*create, "message_data");
  if (!data.ok()) return WithContext(data.status(), "message_create");
  auto text = OptionalStringField(*data, "text");
  if (!text.ok()) return WithContext(text.status(), "message_data");
  auto attachment = OptionalObjectField(*data, "attachment");
  if (!attachment.ok()) return WithContext(attachment.status(), "message_data");

  Contact contact;
  if (attachment->has_value()) {
    Status s = ParseAttachment(**attachment, contact);
    if (!s.ok()) return WithContext(s, "message_data.attachment");
  }
  if (users.has_value()) {
    auto user = OptionalObjectField(*users, *sender);
    if (!user.ok()) return WithContext(Status::InvalidArgument("the sender's entry must be an object"), "users");
    if (user->has_value()) {
      auto name = OptionalStringField(**user, "name");
      if (!name.ok()) return WithContext(name.status(), "users[sender_id]");
      if (name->has_value()) contact.display_name = **name;
    }
  }
  contact.customer_id = std::move(*sender);
  contact.provider_message_id = std::move(*id);
  contact.sent_at_ms = EpochToMillis(*created);
  if (text->has_value()) contact.text = **text;
  out.contacts.push_back(std::move(contact));
  return Status::Ok();
}

}  // namespace

StatusOr<ParsedBatch> ParseXPayload(std::string_view body) {
  auto root = ParseJsonObject(body);
  if (!root.ok()) return root.status();
  auto for_user_id = OptionalIdField(*root, "for_user_id");
  if (!for_user_id.ok()) return for_user_id.status();
  auto users = OptionalObjectField(*root, "users");
  if (!users.ok()) return users.status();

  ParsedBatch out;
  for (auto [key, value] : *root) {
    if (key == "direct_message_events") {
      auto events = AsArray(value, "direct_message_events");
      if (!events.ok()) return events.status();
      size_t i = 0;
      for (JsonElement event : *events) {
        Status s = ParseDmEvent(event, *for_user_id, *users, out);
        if (!s.ok()) return WithContext(s, "direct_message_events[" + std::to_string(i) + "]");
        ++i;
      }
    } else if (key == "user_event") {
      // Authorization revoked: one event object, not an array.
      out.ignored.push_back("user_event");
    } else if (key.ends_with("_events")) {
      JsonArray events;
      if (value.get(events) != simdjson::SUCCESS) {
        return Status::InvalidArgument("an '*_events' field must be an array");
      }
      std::string_view name = IgnoredArrayName(key);
      for ([[maybe_unused]] JsonElement event : events) out.ignored.push_back(name);
    }
    // Other top-level fields (for_user_id, users, apps, user_has_blocked, ...)
    // are metadata, not events.
  }
  return out;
}

}  // namespace routerd::adapters::x
