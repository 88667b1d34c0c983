#include "common/json.h"

#include <limits>

#include "common/time_units.h"

namespace routerd::adapters {
namespace {

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

Status FieldError(std::string_view key, std::string_view problem) {
  std::string message = "field '";
  message.append(key);
  message.append("' ");
  message.append(problem);
  return Status::InvalidArgument(std::move(message));
}

Status ValueError(std::string_view what, std::string_view problem) {
  std::string message(what);
  message.push_back(' ');
  message.append(problem);
  return Status::InvalidArgument(std::move(message));
}

// The field's element, or nullopt when absent or null.
std::optional<JsonElement> Lookup(JsonObject object, std::string_view key) {
  JsonElement element;
  if (object.at_key(key).get(element) != simdjson::SUCCESS) return std::nullopt;
  if (element.is_null()) return std::nullopt;
  return element;
}

template <typename T>
StatusOr<T> Require(StatusOr<std::optional<T>> value, std::string_view key) {
  if (!value.ok()) return value.status();
  if (!value->has_value()) return FieldError(key, "is required");
  return std::move(**value);
}

}  // namespace

StatusOr<JsonElement> ParseJson(std::string_view body) {
  if (body.size() > kMaxJsonBodyBytes) return Status::InvalidArgument("JSON body too large");
  JsonElement root;
  // realloc_if_needed: the body is copied into the parser's own padded buffer,
  // which is kept and reused by this thread's next parse.
  simdjson::error_code error = ThreadParser().parse(body.data(), body.size(), true).get(root);
  if (error != simdjson::SUCCESS) {
    return Status::InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(error));
  }
  return root;
}

StatusOr<JsonObject> ParseJsonObject(std::string_view body) {
  auto root = ParseJson(body);
  if (!root.ok()) return root.status();
  return AsObject(*root, "the JSON body");
}

StatusOr<JsonObject> AsObject(JsonElement element, std::string_view what) {
  JsonObject object;
  if (element.get(object) != simdjson::SUCCESS) return ValueError(what, "must be an object");
  return object;
}

StatusOr<JsonArray> AsArray(JsonElement element, std::string_view what) {
  JsonArray array;
  if (element.get(array) != simdjson::SUCCESS) return ValueError(what, "must be an array");
  return array;
}

StatusOr<std::string_view> AsString(JsonElement element, std::string_view what) {
  std::string_view s;
  if (element.get(s) != simdjson::SUCCESS) return ValueError(what, "must be a string");
  return s;
}

StatusOr<std::optional<std::string_view>> OptionalStringField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<std::string_view>();
  std::string_view s;
  if (element->get(s) != simdjson::SUCCESS) return FieldError(key, "must be a string");
  return std::optional<std::string_view>(s);
}

StatusOr<std::string_view> StringField(JsonObject object, std::string_view key) {
  return Require(OptionalStringField(object, key), key);
}

StatusOr<std::optional<JsonObject>> OptionalObjectField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<JsonObject>();
  JsonObject value;
  if (element->get(value) != simdjson::SUCCESS) return FieldError(key, "must be an object");
  return std::optional<JsonObject>(value);
}

StatusOr<JsonObject> ObjectField(JsonObject object, std::string_view key) {
  return Require(OptionalObjectField(object, key), key);
}

StatusOr<std::optional<JsonArray>> OptionalArrayField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<JsonArray>();
  JsonArray value;
  if (element->get(value) != simdjson::SUCCESS) return FieldError(key, "must be an array");
  return std::optional<JsonArray>(value);
}

StatusOr<JsonArray> ArrayField(JsonObject object, std::string_view key) {
  return Require(OptionalArrayField(object, key), key);
}

StatusOr<std::optional<bool>> OptionalBoolField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<bool>();
  bool value = false;
  if (element->get(value) != simdjson::SUCCESS) return FieldError(key, "must be a boolean");
  return std::optional<bool>(value);
}

StatusOr<std::optional<std::int64_t>> OptionalIntegerField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<std::int64_t>();
  switch (element->type()) {
    case simdjson::dom::element_type::INT64:
      return std::optional<std::int64_t>(element->get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return FieldError(key, "is out of range");
    case simdjson::dom::element_type::STRING: {
      auto value = ParseEpochString(element->get_string().value_unsafe());
      if (!value) return FieldError(key, "must be a string of decimal digits that fits in 64 bits");
      return std::optional<std::int64_t>(*value);
    }
    default:
      return FieldError(key, "must be an integer or a string of digits");
  }
}

StatusOr<std::int64_t> IntegerField(JsonObject object, std::string_view key) {
  return Require(OptionalIntegerField(object, key), key);
}

StatusOr<std::optional<double>> OptionalNumberField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<double>();
  double value = 0;
  if (!element->is_number() || element->get_double().get(value) != simdjson::SUCCESS) {
    return FieldError(key, "must be a number");
  }
  return std::optional<double>(value);
}

StatusOr<double> NumberField(JsonObject object, std::string_view key) {
  return Require(OptionalNumberField(object, key), key);
}

StatusOr<std::optional<std::string>> OptionalIdField(JsonObject object, std::string_view key) {
  auto element = Lookup(object, key);
  if (!element) return std::optional<std::string>();
  switch (element->type()) {
    case simdjson::dom::element_type::STRING:
      return std::optional<std::string>(std::string(element->get_string().value_unsafe()));
    case simdjson::dom::element_type::INT64:
      return std::optional<std::string>(std::to_string(element->get_int64().value_unsafe()));
    case simdjson::dom::element_type::UINT64:
      return std::optional<std::string>(std::to_string(element->get_uint64().value_unsafe()));
    default:
      return FieldError(key, "must be a string or an integer");
  }
}

StatusOr<std::string> IdField(JsonObject object, std::string_view key) {
  return Require(OptionalIdField(object, key), key);
}

Status WithContext(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  std::string message(context);
  message.append(": ");
  message.append(status.message());
  return Status(status.code(), std::move(message));
}

}  // namespace routerd::adapters
