#include "engine/leave/multipart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace routerd::leave {
namespace {

using ::testing::HasSubstr;

TEST(MultipartTest, BoundaryFromTheContentType) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b;c\""), "a b;c");
  EXPECT_EQ(MultipartBoundary("application/json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MultipartBoundary("multipart/form-data").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=").status().code(), StatusCode::kInvalidArgument);
}

TEST(MultipartTest, PartsWithNamesFilesTypesAndBinaryData) {
  const std::string binary("a\0b\r\nc--", 8);
  const std::string body = "preamble\r\n--B\r\ncontent-disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
                           "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"v.wav\"\r\n"
                           "Content-Type: audio/wav\r\n\r\n" + binary + "\r\n--B--\r\nepilogue";
  auto parts = ParseMultipart(body, "B");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "x");
  EXPECT_EQ((*parts)[0].data, "1");
  EXPECT_EQ((*parts)[0].file_name, "");
  EXPECT_EQ((*parts)[1].name, "f");
  EXPECT_EQ((*parts)[1].file_name, "v.wav");
  EXPECT_EQ((*parts)[1].content_type, "audio/wav");
  EXPECT_EQ((*parts)[1].data, binary);
}

TEST(MultipartTest, MalformedBodiesSayWhatIsWrong) {
  const std::pair<std::string, std::string> cases[] = {
      {"no boundary at all", "no boundary found"},
      {"--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1", "closing boundary is missing"},
      {"--B\r\nContent-Disposition: form-data; name=\"x\"", "headers do not end"},
      {"--B\r\nContent-Type: text/plain\r\n\r\n1\r\n--B--", "no Content-Disposition name"},
      {"--B\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\n1\r\n--B--", "must be form-data"},
      {"--Bxx", "malformed boundary line"},
  };
  for (const auto& [body, error] : cases) {
    auto parts = ParseMultipart(body, "B");
    ASSERT_FALSE(parts.ok()) << body;
    EXPECT_THAT(parts.status().message(), HasSubstr(error)) << body;
  }
}

}  // namespace
}  // namespace routerd::leave
