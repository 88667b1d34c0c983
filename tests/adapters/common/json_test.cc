#include "common/json.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd::adapters {
namespace {

JsonObject Parse(std::string_view body) {
  auto object = ParseJsonObject(body);
  EXPECT_TRUE(object.ok()) << object.status().ToString();
  return *object;
}

TEST(ParseJsonTest, RejectsInvalidJson) {
  EXPECT_EQ(ParseJson("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseJson("{").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseJson(R"({"a":1,})").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseJson("{\"a\":\"\xff\"}").status().code(), StatusCode::kInvalidArgument);  // bad UTF-8
  EXPECT_EQ(ParseJson(R"({"a":"\udc00"})").status().code(), StatusCode::kInvalidArgument);  // lone surrogate
}

TEST(ParseJsonTest, RejectsOversizedBody) {
  std::string body = "\"" + std::string(kMaxJsonBodyBytes, 'a') + "\"";
  auto result = ParseJson(body);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "JSON body too large");
}

TEST(ParseJsonTest, ObjectRootRequired) {
  auto result = ParseJsonObject("[1,2]");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "the JSON body must be an object");
}

TEST(ParseJsonTest, ParsesUnpaddedViewsRepeatedly) {
  // Views into a larger buffer: only the given bytes count.
  std::string buffer = R"({"a":"x"}{"a":"y"})";
  std::string_view first(buffer.data(), 9);
  std::string_view second(buffer.data() + 9, 9);
  JsonObject one = Parse(first);
  EXPECT_EQ(*StringField(one, "a"), "x");
  JsonObject two = Parse(second);
  EXPECT_EQ(*StringField(two, "a"), "y");
}

TEST(JsonFieldTest, Strings) {
  JsonObject o = Parse(R"({"s":"v","n":1,"z":null,"e":"\u00e9"})");
  EXPECT_EQ(*StringField(o, "s"), "v");
  EXPECT_EQ(*StringField(o, "e"), "\xc3\xa9");
  EXPECT_EQ(StringField(o, "n").status().message(), "field 'n' must be a string");
  EXPECT_EQ(StringField(o, "missing").status().message(), "field 'missing' is required");
  EXPECT_EQ(StringField(o, "z").status().message(), "field 'z' is required");
  auto absent = OptionalStringField(o, "missing");
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
  auto null_value = OptionalStringField(o, "z");
  ASSERT_TRUE(null_value.ok());
  EXPECT_FALSE(null_value->has_value());
}

TEST(JsonFieldTest, ObjectsArraysBools) {
  JsonObject o = Parse(R"({"o":{"k":"v"},"a":[1,2,3],"b":true,"s":"x"})");
  auto inner = ObjectField(o, "o");
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(*StringField(*inner, "k"), "v");
  auto array = ArrayField(o, "a");
  ASSERT_TRUE(array.ok());
  EXPECT_EQ(array->size(), 3u);
  EXPECT_EQ(**OptionalBoolField(o, "b"), true);
  EXPECT_EQ(ObjectField(o, "a").status().message(), "field 'a' must be an object");
  EXPECT_EQ(ArrayField(o, "o").status().message(), "field 'o' must be an array");
  EXPECT_EQ(OptionalBoolField(o, "s").status().message(), "field 's' must be a boolean");
  EXPECT_FALSE(OptionalArrayField(o, "none")->has_value());
  EXPECT_FALSE(OptionalObjectField(o, "none")->has_value());
}

TEST(JsonFieldTest, IntegerFromNumberOrString) {
  JsonObject o = Parse(
      R"({"n":1458692752478,"s":"1749416383","neg":-3,"f":1.5,"big":18446744073709551615,)"
      R"("bad":"12a","empty":"","sneg":"-1","b":true,"huge":"99999999999999999999"})");
  EXPECT_EQ(*IntegerField(o, "n"), 1458692752478);
  EXPECT_EQ(*IntegerField(o, "s"), 1749416383);
  EXPECT_EQ(*IntegerField(o, "neg"), -3);
  EXPECT_EQ(IntegerField(o, "f").status().message(), "field 'f' must be an integer or a string of digits");
  EXPECT_EQ(IntegerField(o, "big").status().message(), "field 'big' is out of range");
  EXPECT_FALSE(IntegerField(o, "bad").ok());
  EXPECT_FALSE(IntegerField(o, "empty").ok());
  EXPECT_FALSE(IntegerField(o, "sneg").ok());
  EXPECT_FALSE(IntegerField(o, "b").ok());
  EXPECT_FALSE(IntegerField(o, "huge").ok());
  EXPECT_EQ(IntegerField(o, "missing").status().message(), "field 'missing' is required");
  EXPECT_FALSE(OptionalIntegerField(o, "missing")->has_value());
}

TEST(JsonFieldTest, Numbers) {
  JsonObject o = Parse(R"({"d":35.659108,"i":-12,"s":"1.5","b":false})");
  EXPECT_DOUBLE_EQ(*NumberField(o, "d"), 35.659108);
  EXPECT_DOUBLE_EQ(*NumberField(o, "i"), -12.0);
  EXPECT_EQ(NumberField(o, "s").status().message(), "field 's' must be a number");
  EXPECT_EQ(NumberField(o, "b").status().message(), "field 'b' must be a number");
  EXPECT_EQ(NumberField(o, "none").status().message(), "field 'none' is required");
  EXPECT_FALSE(OptionalNumberField(o, "none")->has_value());
}

TEST(JsonFieldTest, IdFromStringOrNumber) {
  JsonObject o = Parse(R"({"s":"123","n":123,"u":18446744073709551615,"f":1.0,"o":{}})");
  EXPECT_EQ(*IdField(o, "s"), "123");
  EXPECT_EQ(*IdField(o, "n"), "123");
  EXPECT_EQ(*IdField(o, "u"), "18446744073709551615");
  EXPECT_EQ(IdField(o, "f").status().message(), "field 'f' must be a string or an integer");
  EXPECT_FALSE(IdField(o, "o").ok());
  EXPECT_FALSE(OptionalIdField(o, "missing")->has_value());
}

TEST(JsonValueTest, AsHelpersNameTheValue) {
  auto root = ParseJson(R"([{"a":1},"s",3])");
  ASSERT_TRUE(root.ok());
  auto array = AsArray(*root, "root");
  ASSERT_TRUE(array.ok());
  EXPECT_TRUE(AsObject(array->at(0).value(), "entry[0]").ok());
  EXPECT_EQ(*AsString(array->at(1).value(), "entry[1]"), "s");
  EXPECT_EQ(AsObject(array->at(2).value(), "entry[2]").status().message(), "entry[2] must be an object");
  EXPECT_EQ(AsString(array->at(2).value(), "entry[2]").status().message(), "entry[2] must be a string");
  EXPECT_EQ(AsArray(array->at(1).value(), "entry[1]").status().message(), "entry[1] must be an array");
}

TEST(WithContextTest, PrefixesMessageKeepsCode) {
  Status s = WithContext(Status::InvalidArgument("field 'x' is required"), "entry[2]");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "entry[2]: field 'x' is required");
  EXPECT_TRUE(WithContext(Status::Ok(), "ctx").ok());
}

TEST(AppendJsonStringTest, Escapes) {
  std::string out;
  AppendJsonString(out, std::string("a\"b\\c\nd\x1f\xc3\xa9", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\u001f\xc3\xa9\"");
}

}  // namespace
}  // namespace routerd::adapters
