#include "common/text.h"

#include <simdjson.h>

#include <charconv>

namespace routerd::adapters {
namespace {

void AppendDouble(std::string& out, double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error == std::errc()) out.append(buffer, end);
}

}  // namespace

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

std::string GeoUri(double latitude, double longitude) {
  std::string out = "geo:";
  AppendDouble(out, latitude);
  out.push_back(',');
  AppendDouble(out, longitude);
  return out;
}

}  // namespace routerd::adapters
