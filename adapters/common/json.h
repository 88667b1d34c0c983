// Typed access to JSON webhook bodies, over simdjson's DOM.
//
// ParseJson reuses one simdjson parser per thread and copies the body into
// that parser's padded buffer, so callers never deal with simdjson's padding
// rule and no request allocates a parser. Field getters turn simdjson errors
// into Status values whose message names the field; absent fields and JSON
// null are both "not given" for the Optional* getters, because providers send
// either for an empty optional field.
//
// Lifetime: the element returned by ParseJson, and every object, array and
// string_view taken from it, is valid only until the next ParseJson call on the
// same thread. Copy what must outlive the request (Contact owns its bytes).
//
// Memory: each thread's parser keeps the capacity of the largest body it has
// parsed (bounded by kMaxJsonBodyBytes), so steady state allocates nothing.
//
// Thread safety: ParseJson is safe to call from any number of threads (the
// parser is thread_local); it is not reentrant on one thread while a previous
// result is still in use.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "routerd/status.h"
#include "routerd/text_encoding.h"

namespace routerd::adapters {

using JsonElement = simdjson::dom::element;
using JsonObject = simdjson::dom::object;
using JsonArray = simdjson::dom::array;

// Adapter-level guard on JSON bodies; the HTTP layer has its own limit. Meta
// batches up to a thousand changes in one POST, which stays well below this.
inline constexpr std::size_t kMaxJsonBodyBytes = 4 * 1024 * 1024;

// Parses a whole body (must be valid UTF-8 JSON). InvalidArgument on any error.
StatusOr<JsonElement> ParseJson(std::string_view body);
// As ParseJson, and the root must be an object.
StatusOr<JsonObject> ParseJsonObject(std::string_view body);

// `what` names the value in the error message ("entry[0]").
StatusOr<JsonObject> AsObject(JsonElement element, std::string_view what);
StatusOr<JsonArray> AsArray(JsonElement element, std::string_view what);
StatusOr<std::string_view> AsString(JsonElement element, std::string_view what);

// Field getters. Required ones fail with "field 'key' is required" when the
// field is absent or null; all fail with "field 'key' must be <type>" on a
// wrong type.
StatusOr<std::optional<std::string_view>> OptionalStringField(JsonObject object, std::string_view key);
StatusOr<std::string_view> StringField(JsonObject object, std::string_view key);
StatusOr<std::optional<JsonObject>> OptionalObjectField(JsonObject object, std::string_view key);
StatusOr<JsonObject> ObjectField(JsonObject object, std::string_view key);
StatusOr<std::optional<JsonArray>> OptionalArrayField(JsonObject object, std::string_view key);
StatusOr<JsonArray> ArrayField(JsonObject object, std::string_view key);
StatusOr<std::optional<bool>> OptionalBoolField(JsonObject object, std::string_view key);

// An integer given either as a JSON integer or as a string of decimal digits
// (providers mix both, e.g. timestamps "1749416383" and 1458692752478). Must
// fit in int64; fractions, exponents, signs in strings and empty strings are
// errors. A negative JSON integer is returned as is: callers check ranges.
StatusOr<std::optional<std::int64_t>> OptionalIntegerField(JsonObject object, std::string_view key);
StatusOr<std::int64_t> IntegerField(JsonObject object, std::string_view key);

// Any JSON number (integer or not) as a double, e.g. a latitude.
StatusOr<std::optional<double>> OptionalNumberField(JsonObject object, std::string_view key);
StatusOr<double> NumberField(JsonObject object, std::string_view key);

// An identifier given either as a JSON string or as a JSON integer (X's
// for_user_id comes both ways); integers are rendered in decimal.
StatusOr<std::optional<std::string>> OptionalIdField(JsonObject object, std::string_view key);
StatusOr<std::string> IdField(JsonObject object, std::string_view key);

// The same Status with "context: " put in front of its message.
Status WithContext(const Status& status, std::string_view context);

// JSON string literals: the one implementation, shared with the engine.
using ::routerd::AppendJsonString;

}  // namespace routerd::adapters
