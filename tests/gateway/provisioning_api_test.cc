// The provisioning body as a TOML table (JsonObjectAsToml): each JSON value
// as TOML, keys and strings escaped, and the values TOML cannot hold here
// refused naming the key.
#include "engine/gateway/provisioning_api.h"

#include <gtest/gtest.h>

#include <toml++/toml.h>

namespace routerd::gateway {
namespace {

std::optional<std::string> AsToml(std::string_view json, std::string& error) {
  static simdjson::dom::parser parser;
  simdjson::dom::object object;
  EXPECT_EQ(parser.parse(simdjson::padded_string(json)).get(object), simdjson::SUCCESS) << json;
  return JsonObjectAsToml(object, error);
}

TEST(ProvisioningApiTest, AJsonObjectBecomesTheSameTomlTable) {
  std::string error;
  const std::optional<std::string> text =
      AsToml(R"({"employee_id":"a\"9","max_concurrent_sessions":3,"on":true,)"
             R"("skill_queues":["chat","senior"],"skills":{"fr":2,"en us":1},"empty":[],"none":{}})",
             error);
  ASSERT_TRUE(text.has_value()) << error;
  const toml::table t = toml::parse(*text);
  EXPECT_EQ(t["employee_id"].value<std::string>(), "a\"9");
  EXPECT_EQ(t["max_concurrent_sessions"].value<std::int64_t>(), 3);
  EXPECT_EQ(t["on"].value<bool>(), true);
  EXPECT_EQ(t["skill_queues"][1].value<std::string>(), "senior");
  EXPECT_EQ(t["skills"]["en us"].value<std::int64_t>(), 1);
  EXPECT_TRUE(t["empty"].is_array());
  EXPECT_TRUE(t["none"].is_table());
}

TEST(ProvisioningApiTest, ValuesTomlCannotHoldHereAreRefusedNamingTheKey) {
  std::string error;
  EXPECT_FALSE(AsToml(R"({"name":null})", error));
  EXPECT_EQ(error, "name: leave the key out instead of null");
  EXPECT_FALSE(AsToml(R"({"max_concurrent_sessions":2.5})", error));
  EXPECT_EQ(error, "max_concurrent_sessions must be an integer");
  EXPECT_FALSE(AsToml(R"({"skill_queues":[["chat"]]})", error));
  EXPECT_EQ(error, "skill_queues: an array or object here holds strings, integers and booleans only");
  EXPECT_FALSE(AsToml(R"({"skills":{"fr":{"level":2}}})", error));
  EXPECT_EQ(error, "skills.fr: an array or object here holds strings, integers and booleans only");
  EXPECT_FALSE(AsToml(R"({"max_concurrent_sessions":18446744073709551615})", error));
  EXPECT_EQ(error, "max_concurrent_sessions is out of range");
}

}  // namespace
}  // namespace routerd::gateway
