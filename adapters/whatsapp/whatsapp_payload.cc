#include "whatsapp/whatsapp_payload.h"

#include <string>
#include <vector>

#include "common/event_names.h"
#include "common/json.h"
#include "common/text.h"
#include "common/time_units.h"

namespace routerd::adapters::whatsapp {
namespace {

// value.contacts[]: wa_id -> profile name, as views into the parsed body.
struct Profile {
  std::string_view wa_id;
  std::string_view name;
};

std::string Indexed(std::string_view name, size_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

StatusOr<std::vector<Profile>> ParseProfiles(JsonObject value) {
  std::vector<Profile> profiles;
  auto contacts = OptionalArrayField(value, "contacts");
  if (!contacts.ok()) return contacts.status();
  if (!contacts->has_value()) return profiles;
  size_t i = 0;
  for (JsonElement element : **contacts) {
    auto contact = AsObject(element, Indexed("contacts", i));
    if (!contact.ok()) return contact.status();
    auto wa_id = OptionalStringField(*contact, "wa_id");
    if (!wa_id.ok()) return WithContext(wa_id.status(), Indexed("contacts", i));
    auto profile = OptionalObjectField(*contact, "profile");
    if (!profile.ok()) return WithContext(profile.status(), Indexed("contacts", i));
    if (wa_id->has_value() && profile->has_value()) {
      auto name = OptionalStringField(**profile, "name");
      if (!name.ok()) return WithContext(name.status(), Indexed("contacts", i) + ".profile");
      if (name->has_value()) profiles.push_back(Profile{**wa_id, **name});
    }
    ++i;
  }
  return profiles;
}

std::string_view MediaAttachmentType(std::string_view type) {
  if (type == "document") return "file";
  return type;  // image, audio, video, sticker keep their names
}

bool IsMediaType(std::string_view type) {
  return type == "image" || type == "audio" || type == "video" || type == "document" || type == "sticker";
}

Status ParseMedia(JsonObject message, std::string_view type, Contact& contact) {
  auto media = ObjectField(message, type);
  if (!media.ok()) return media.status();
  auto id = StringField(*media, "id");
  if (!id.ok()) return WithContext(id.status(), type);
  auto mime = OptionalStringField(*media, "mime_type");
  if (!mime.ok()) return WithContext(mime.status(), type);
  auto filename = OptionalStringField(*media, "filename");
  if (!filename.ok()) return WithContext(filename.status(), type);
  auto caption = OptionalStringField(*media, "caption");
  if (!caption.ok()) return WithContext(caption.status(), type);
  AttachmentRef ref;
  ref.type = MediaAttachmentType(type);
  ref.reference = *id;
  if (mime->has_value()) ref.mime = **mime;
  if (filename->has_value()) ref.name = **filename;
  contact.attachments.push_back(std::move(ref));
  if (caption->has_value()) contact.text = **caption;
  return Status::Ok();
}

Status ParseLocation(JsonObject message, Contact& contact) {
  auto location = ObjectField(message, "location");
  if (!location.ok()) return location.status();
  auto latitude = NumberField(*location, "latitude");
  if (!latitude.ok()) return WithContext(latitude.status(), "location");
  auto longitude = NumberField(*location, "longitude");
  if (!longitude.ok()) return WithContext(longitude.status(), "location");
  auto name = OptionalStringField(*location, "name");
  if (!name.ok()) return WithContext(name.status(), "location");
  auto address = OptionalStringField(*location, "address");
  if (!address.ok()) return WithContext(address.status(), "location");
  AttachmentRef ref;
  ref.type = "location";
  ref.reference = GeoUri(*latitude, *longitude);
  if (name->has_value()) ref.name = **name;
  contact.attachments.push_back(std::move(ref));
  if (address->has_value()) contact.text = **address;
  return Status::Ok();
}

// Shared contact cards become one "name: phone, phone" line each.
Status ParseContactCards(JsonObject message, Contact& contact) {
  auto cards = ArrayField(message, "contacts");
  if (!cards.ok()) return cards.status();
  size_t i = 0;
  for (JsonElement element : *cards) {
    const std::string where = Indexed("contacts", i++);
    auto card = AsObject(element, where);
    if (!card.ok()) return card.status();
    auto name = OptionalObjectField(*card, "name");
    if (!name.ok()) return WithContext(name.status(), where);
    auto phones = OptionalArrayField(*card, "phones");
    if (!phones.ok()) return WithContext(phones.status(), where);
    std::string line;
    if (name->has_value()) {
      auto formatted = OptionalStringField(**name, "formatted_name");
      if (!formatted.ok()) return WithContext(formatted.status(), where + ".name");
      if (formatted->has_value()) line = **formatted;
    }
    if (phones->has_value()) {
      bool first = true;
      for (JsonElement p : **phones) {
        auto phone_object = AsObject(p, where + ".phones[]");
        if (!phone_object.ok()) return phone_object.status();
        auto phone = OptionalStringField(*phone_object, "phone");
        if (!phone.ok()) return WithContext(phone.status(), where + ".phones[]");
        if (!phone->has_value()) continue;
        line.append(first ? ": " : ", ");
        line.append(**phone);
        first = false;
      }
    }
    if (!contact.text.empty()) contact.text.push_back('\n');
    contact.text.append(line);
  }
  return Status::Ok();
}

// Returns false when the interactive reply is of a kind with no customer text.
StatusOr<bool> ParseInteractive(JsonObject message, Contact& contact) {
  auto interactive = ObjectField(message, "interactive");
  if (!interactive.ok()) return interactive.status();
  auto kind = StringField(*interactive, "type");
  if (!kind.ok()) return WithContext(kind.status(), "interactive");
  if (*kind == "button_reply" || *kind == "list_reply") {
    auto reply = ObjectField(*interactive, *kind);
    if (!reply.ok()) return WithContext(reply.status(), "interactive");
    auto title = StringField(*reply, "title");
    if (!title.ok()) return WithContext(title.status(), "interactive.reply");
    contact.text = *title;
    return true;
  }
  if (*kind == "nfm_reply") {
    auto reply = ObjectField(*interactive, "nfm_reply");
    if (!reply.ok()) return WithContext(reply.status(), "interactive");
    auto body = OptionalStringField(*reply, "body");
    if (!body.ok()) return WithContext(body.status(), "interactive.nfm_reply");
    if (body->has_value()) contact.text = **body;
    return true;
  }
  return false;
}

Status ParseMessage(JsonObject message, const std::vector<Profile>& profiles, ParsedBatch& out) {
  auto type = StringField(message, "type");
  if (!type.ok()) return type.status();
  auto from = StringField(message, "from");
  if (!from.ok()) return from.status();
  auto id = StringField(message, "id");
  if (!id.ok()) return id.status();
  auto timestamp = IntegerField(message, "timestamp");
  if (!timestamp.ok()) return timestamp.status();
  if (*timestamp < 0) return Status::InvalidArgument("field 'timestamp' must not be negative");

  const std::string_view t = *type;
  std::string_view ignored = StaticName(t, {"reaction", "system", "unsupported"}, {});
  if (!ignored.empty()) {
    out.ignored.push_back(ignored);
    return Status::Ok();
  }
  Contact contact;
  if (t == "text") {
    auto text = ObjectField(message, "text");
    if (!text.ok()) return text.status();
    auto body = StringField(*text, "body");
    if (!body.ok()) return WithContext(body.status(), "text");
    contact.text = *body;
  } else if (IsMediaType(t)) {
    ROUTERD_RETURN_IF_ERROR(ParseMedia(message, t, contact));
  } else if (t == "location") {
    ROUTERD_RETURN_IF_ERROR(ParseLocation(message, contact));
  } else if (t == "contacts") {
    ROUTERD_RETURN_IF_ERROR(ParseContactCards(message, contact));
  } else if (t == "interactive") {
    auto has_text = ParseInteractive(message, contact);
    if (!has_text.ok()) return has_text.status();
    if (!*has_text) {
      out.ignored.push_back("unsupported");
      return Status::Ok();
    }
  } else if (t == "button") {
    auto button = ObjectField(message, "button");
    if (!button.ok()) return button.status();
    auto text = StringField(*button, "text");
    if (!text.ok()) return WithContext(text.status(), "button");
    contact.text = *text;
  } else {
    out.ignored.push_back("unknown_message");
    return Status::Ok();
  }
  for (const Profile& p : profiles) {
    if (p.wa_id == *from) {
      contact.display_name = p.name;
      break;
    }
  }
  contact.customer_id = *from;
  contact.provider_message_id = *id;
  contact.sent_at_ms = EpochToMillis(*timestamp);
  out.contacts.push_back(std::move(contact));
  return Status::Ok();
}

Status ParseMessagesValue(JsonObject value, ParsedBatch& out) {
  auto messages = OptionalArrayField(value, "messages");
  if (!messages.ok()) return messages.status();
  auto statuses = OptionalArrayField(value, "statuses");
  if (!statuses.ok()) return statuses.status();
  if (!messages->has_value() && !statuses->has_value()) {
    out.ignored.push_back("unknown_event");
    return Status::Ok();
  }
  if (statuses->has_value()) {
    for ([[maybe_unused]] JsonElement status : **statuses) out.ignored.push_back("status");
  }
  if (!messages->has_value()) return Status::Ok();
  auto profiles = ParseProfiles(value);
  if (!profiles.ok()) return profiles.status();
  size_t i = 0;
  for (JsonElement element : **messages) {
    auto message = AsObject(element, Indexed("messages", i));
    if (!message.ok()) return message.status();
    Status s = ParseMessage(*message, *profiles, out);
    if (!s.ok()) return WithContext(s, Indexed("messages", i));
    ++i;
  }
  return Status::Ok();
}

Status ParseChange(JsonObject change, ParsedBatch& out) {
  auto field = StringField(change, "field");
  if (!field.ok()) return field.status();
  if (*field != "messages") {
    out.ignored.push_back(StaticName(*field,
                                     {"account_alerts", "account_review_update", "account_update",
                                      "business_capability_update", "flows", "history",
                                      "message_template_quality_update", "message_template_status_update",
                                      "phone_number_name_update", "phone_number_quality_update", "security",
                                      "smb_app_state_sync", "smb_message_echoes", "template_category_update",
                                      "user_preferences"},
                                     "unknown_field"));
    return Status::Ok();
  }
  auto value = ObjectField(change, "value");
  if (!value.ok()) return value.status();
  return WithContext(ParseMessagesValue(*value, out), "value");
}

}  // namespace

StatusOr<ParsedBatch> ParseWhatsAppPayload(std::string_view body) {
  auto root = ParseJsonObject(body);
  if (!root.ok()) return root.status();
  auto object = StringField(*root, "object");
  if (!object.ok()) return object.status();
  if (*object != "whatsapp_business_account") {
    return Status::InvalidArgument("field 'object' must be \"whatsapp_business_account\"");
  }
  auto entries = ArrayField(*root, "entry");
  if (!entries.ok()) return entries.status();
  ParsedBatch out;
  size_t i = 0;
  for (JsonElement e : *entries) {
    const std::string where = Indexed("entry", i++);
    auto entry = AsObject(e, where);
    if (!entry.ok()) return entry.status();
    auto changes = ArrayField(*entry, "changes");
    if (!changes.ok()) return WithContext(changes.status(), where);
    size_t j = 0;
    for (JsonElement c : *changes) {
      auto change = AsObject(c, Indexed("changes", j));
      if (!change.ok()) return WithContext(change.status(), where);
      Status s = ParseChange(*change, out);
      if (!s.ok()) return WithContext(s, where + "." + Indexed("changes", j));
      ++j;
    }
  }
  return out;
}

}  // namespace routerd::adapters::whatsapp
