#include "common/content_type.h"
#include "common/text.h"

namespace routerd::adapters {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool MediaTypeIs(std::string_view content_type, std::string_view media_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && IsSpace(type.front())) type.remove_prefix(1);
  while (!type.empty() && IsSpace(type.back())) type.remove_suffix(1);
  if (type.size() != media_type.size()) return false;
  for (size_t i = 0; i < type.size(); ++i) {
    if (AsciiLower(type[i]) != media_type[i]) return false;
  }
  return true;
}

}  // namespace routerd::adapters
