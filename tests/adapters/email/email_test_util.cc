#include "email_test_util.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace routerd::adapters::email::testing {

std::string ReadFixture(std::string_view relative_path) {
  const std::string path = std::string(ROUTERD_FIXTURES_DIR) + "/" + std::string(relative_path);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string MultipartContentType(std::string_view body) {
  size_t eol = body.find("\r\n");
  EXPECT_NE(eol, std::string_view::npos);
  EXPECT_EQ(body.substr(0, 2), "--");
  return "multipart/form-data; boundary=" + std::string(body.substr(2, eol - 2));
}

std::string UrlEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [](const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == '*') {
        out.push_back(static_cast<char>(c));
      } else if (c == ' ') {
        out.push_back('+');
      } else {
        out.push_back('%');
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
    return out;
  };
  std::string body;
  for (const auto& [name, value] : fields) {
    if (!body.empty()) body.push_back('&');
    body += encode(name) + "=" + encode(value);
  }
  return body;
}

std::string ReplaceField(std::string body, std::string_view name, std::string_view new_encoded_value) {
  const std::string key = std::string(name) + "=";
  size_t start = 0;
  if (body.compare(0, key.size(), key) != 0) {
    size_t amp = body.find("&" + key);
    EXPECT_NE(amp, std::string::npos) << "no field " << name;
    if (amp == std::string::npos) return body;
    start = amp + 1;
  }
  size_t value_start = start + key.size();
  size_t end = body.find('&', value_start);
  if (end == std::string::npos) end = body.size();
  body.replace(value_start, end - value_start, new_encoded_value);
  return body;
}

}  // namespace routerd::adapters::email::testing
