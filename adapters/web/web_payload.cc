#include "web/web_payload.h"

#include <string>

#include "common/json.h"
#include "common/time_units.h"

namespace routerd::adapters::web {
namespace {

// As employee ids in the configuration.
constexpr std::size_t kMaxPreferredAgentLength = 64;

StatusOr<std::string_view> NonEmptyString(JsonObject object, std::string_view key) {
  auto value = StringField(object, key);
  if (!value.ok()) return value.status();
  if (value->empty()) return Status::InvalidArgument("field '" + std::string(key) + "' must not be empty");
  return *value;
}

}  // namespace

StatusOr<ParsedBatch> ParseWebPayload(std::string_view body) {
  auto event = ParseJsonObject(body);
  if (!event.ok()) return event.status();
  auto event_id = NonEmptyString(*event, "event_id");
  if (!event_id.ok()) return event_id.status();
  auto type = StringField(*event, "type");
  if (!type.ok()) return type.status();

  ParsedBatch out;
  const bool leave_message = *type == "leave_message";
  if (*type != "message" && !leave_message) {
    out.ignored.push_back("unknown_event");
    return out;
  }
  auto visitor = ObjectField(*event, "visitor");
  if (!visitor.ok()) return visitor.status();
  auto visitor_id = NonEmptyString(*visitor, "id");
  if (!visitor_id.ok()) return WithContext(visitor_id.status(), "visitor");
  auto phone = OptionalStringField(*visitor, "phone");
  if (!phone.ok()) return WithContext(phone.status(), "visitor");
  // An empty phone is the widget's "not given"; anything else must be callable.
  if (phone->has_value() && !(*phone)->empty() && !IsE164PhoneNumber(**phone)) {
    return WithContext(Status::InvalidArgument("field 'phone' must be an E.164 number ('+', then 2 to 15 digits, "
                                               "the first not 0) or empty"),
                       "visitor");
  }
  auto email = OptionalStringField(*visitor, "email");
  if (!email.ok()) return WithContext(email.status(), "visitor");
  auto name = OptionalStringField(*visitor, "name");
  if (!name.ok()) return WithContext(name.status(), "visitor");
  auto text = StringField(*event, "text");
  if (!text.ok()) return text.status();
  auto sent_at = IntegerField(*event, "sent_at");
  if (!sent_at.ok()) return sent_at.status();
  if (*sent_at < 0) return Status::InvalidArgument("field 'sent_at' must not be negative");
  auto page_url = OptionalStringField(*event, "page_url");
  if (!page_url.ok()) return page_url.status();
  // An agent the visitor asks for (an employee id); empty: none.
  auto preferred_agent = OptionalStringField(*event, "preferred_agent");
  if (!preferred_agent.ok()) return preferred_agent.status();
  if (preferred_agent->has_value() && (*preferred_agent)->size() > kMaxPreferredAgentLength) {
    return Status::InvalidArgument("field 'preferred_agent' must be an employee id of at most " +
                                   std::to_string(kMaxPreferredAgentLength) + " characters");
  }

  Contact contact;
  contact.customer_id = *visitor_id;
  if (name->has_value()) contact.display_name = **name;
  if (phone->has_value()) contact.phone = **phone;
  contact.provider_message_id = *event_id;
  contact.text = *text;
  contact.sent_at_ms = EpochToMillis(*sent_at);
  if (preferred_agent->has_value()) contact.preferred_agent = **preferred_agent;
  (leave_message ? out.leave_messages : out.contacts).push_back(std::move(contact));
  return out;
}

}  // namespace routerd::adapters::web
