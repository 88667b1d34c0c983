#include "routerd/form.h"

#include <gtest/gtest.h>

#include <string>

namespace routerd {
namespace {

TEST(UrlEncodedFormTest, DecodesPlusAndPercentAndKeepsDuplicatesInOrder) {
  auto fields = ParseUrlEncodedForm("a=1&b=hello+world&a=%E4%B8%AD%2b%2F&empty=&flag&&c%20d=x%3Dy");
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  ASSERT_EQ(fields->size(), 6u);
  EXPECT_EQ((*fields)[0].name, "a");
  EXPECT_EQ((*fields)[0].value, "1");
  EXPECT_EQ((*fields)[1].name, "b");
  EXPECT_EQ((*fields)[1].value, "hello world");
  EXPECT_EQ((*fields)[2].name, "a");
  EXPECT_EQ((*fields)[2].value, "\xE4\xB8\xAD+/");
  EXPECT_EQ((*fields)[3].name, "empty");
  EXPECT_EQ((*fields)[3].value, "");
  EXPECT_EQ((*fields)[4].name, "flag");
  EXPECT_EQ((*fields)[4].value, "");
  EXPECT_EQ((*fields)[5].name, "c d");
  EXPECT_EQ((*fields)[5].value, "x=y");
}

TEST(UrlEncodedFormTest, EmptyBodyHasNoFields) {
  auto fields = ParseUrlEncodedForm("");
  ASSERT_TRUE(fields.ok());
  EXPECT_TRUE(fields->empty());
}

TEST(UrlEncodedFormTest, RejectsMalformedEscapes) {
  for (const char* body : {"a=%", "a=%4", "a=%zz", "a=%4g&b=1", "%=1", "a%2=1"}) {
    auto fields = ParseUrlEncodedForm(body);
    EXPECT_FALSE(fields.ok()) << body;
    if (!fields.ok()) {
      EXPECT_EQ(fields.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(UrlEncodedFormTest, BoundsFieldCount) {
  EXPECT_TRUE(ParseUrlEncodedForm("a=1&b=2&c=3", 3).ok());
  EXPECT_FALSE(ParseUrlEncodedForm("a=1&b=2&c=3&d=4", 3).ok());
}

TEST(MultipartBoundaryTest, ReadsQuotedAndUnquotedBoundaries) {
  EXPECT_EQ(MultipartFormBoundary("multipart/form-data; boundary=abc123").value(), "abc123");
  EXPECT_EQ(MultipartFormBoundary("Multipart/Form-Data;BOUNDARY=\"a b:c?\"").value(), "a b:c?");
  EXPECT_EQ(MultipartFormBoundary("multipart/form-data; charset=utf-8; boundary=\"x\\\"\"").status().code(),
            StatusCode::kInvalidArgument);  // '"' is not a boundary character
  EXPECT_EQ(MultipartFormBoundary("multipart/form-data; charset=utf-8; boundary=----Web12;").value(),
            "----Web12");
}

TEST(MultipartBoundaryTest, RejectsBadBoundaries) {
  const char* bad[] = {
      "multipart/form-data",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=\"\"",
      "multipart/form-data; boundary=\"ends in space \"",
      "multipart/form-data; boundary=\"unterminated",
      "multipart/form-data; boundary=a; boundary=b",
      "multipart/mixed; boundary=abc",
      "application/x-www-form-urlencoded",
      "multipart/form-data boundary=abc",
      "",
  };
  for (const char* ct : bad) EXPECT_FALSE(MultipartFormBoundary(ct).ok()) << ct;
  EXPECT_FALSE(MultipartFormBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
  EXPECT_TRUE(MultipartFormBoundary("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
}

using namespace std::string_view_literals;

constexpr std::string_view kTwoParts =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"subject\"\r\n"
    "\r\n"
    "Hello\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; name=\"attachment-1\"; filename=\"r\\\"e.pdf\"\r\n"
    "Content-Type: application/pdf\r\n"
    "\r\n"
    "%PDF\r\n--Xy\r\n-\0bin\r\n"
    "--XyZ--\r\n"sv;

TEST(MultipartFormTest, ParsesFieldsAndFilesAsViews) {
  const std::string body(kTwoParts);
  auto parts = ParseMultipartForm(body, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 2u);
  const MultipartPart& subject = (*parts)[0];
  EXPECT_EQ(subject.name, "subject");
  EXPECT_FALSE(subject.filename.has_value());
  EXPECT_EQ(subject.content_type, "");
  EXPECT_EQ(subject.body, "Hello");
  const MultipartPart& file = (*parts)[1];
  EXPECT_EQ(file.name, "attachment-1");
  EXPECT_EQ(file.filename, "r\"e.pdf");
  EXPECT_EQ(file.content_type, "application/pdf");
  EXPECT_EQ(file.body, std::string_view("%PDF\r\n--Xy\r\n-\0bin", 17));
  // Views into the caller's buffer, never copies.
  EXPECT_GE(file.body.data(), body.data());
  EXPECT_LE(file.body.data() + file.body.size(), body.data() + body.size());
}

TEST(MultipartFormTest, IgnoresPreambleEpilogueAndTransportPadding) {
  auto parts = ParseMultipartForm(
      "preamble text\r\n--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--\r\nepilogue", "b");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].body, "1");
}

TEST(MultipartFormTest, EmptyPartBodyAndCloseOnly) {
  auto parts = ParseMultipartForm("--b\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--b--", "b");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].body, "");
  auto none = ParseMultipartForm("--b--\r\n", "b");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(MultipartFormTest, RejectsMalformedStructure) {
  const char* bad[] = {
      "",
      "no delimiter at all",
      // Truncated: no close delimiter.
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1",
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b",
      // LF-only line endings.
      "--b\nContent-Disposition: form-data; name=\"a\"\n\n1\n--b--\n",
      // Missing Content-Disposition, wrong disposition, missing name.
      "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--",
      "--b\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--b--",
      // Header problems.
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n folded\r\n\r\n1\r\n--b--",
      "--b\r\nno colon here\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n1\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=\"a\"",
      // Garbage after a delimiter.
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--bX\r\n--b--",
      "--bjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--",
  };
  for (const char* body : bad) {
    auto parts = ParseMultipartForm(body, "b");
    EXPECT_FALSE(parts.ok()) << "accepted: " << body;
    if (!parts.ok()) {
      EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(MultipartFormTest, BoundsPartsHeadersAndHeaderSize) {
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--b\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  body += "--b--\r\n";
  MultipartLimits limits;
  limits.max_parts = 3;
  EXPECT_TRUE(ParseMultipartForm(body, "b", limits).ok());
  limits.max_parts = 2;
  EXPECT_FALSE(ParseMultipartForm(body, "b", limits).ok());

  limits = MultipartLimits{};
  limits.max_headers = 2;
  EXPECT_TRUE(ParseMultipartForm("--b\r\nContent-Disposition: form-data; name=a\r\nX-A: 1\r\n\r\nv\r\n--b--", "b",
                                 limits)
                  .ok());
  EXPECT_FALSE(ParseMultipartForm(
                   "--b\r\nContent-Disposition: form-data; name=a\r\nX-A: 1\r\nX-B: 2\r\n\r\nv\r\n--b--", "b", limits)
                   .ok());

  limits = MultipartLimits{};
  limits.max_header_bytes = 40;
  EXPECT_FALSE(ParseMultipartForm("--b\r\nContent-Disposition: form-data; name=\"aaaaaaaaaaaa\"\r\n\r\nv\r\n--b--",
                                  "b", limits)
                   .ok());
}

}  // namespace
}  // namespace routerd
