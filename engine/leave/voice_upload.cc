#include "engine/leave/voice_upload.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace routerd::leave {
namespace {

// Extension -> the type served for it. Also the list of accepted types.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kAudio = {{
    {"wav", "audio/wav"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"opus", "audio/opus"},
    {"amr", "audio/amr"},
    {"m4a", "audio/mp4"},
    {"aac", "audio/aac"},
    {"webm", "audio/webm"},
    {"flac", "audio/flac"},
}};

// Spellings IVRs use for the same types.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kAliases = {{
    {"audio/x-wav", "audio/wav"},
    {"audio/wave", "audio/wav"},
    {"audio/mp3", "audio/mpeg"},
    {"audio/x-m4a", "audio/mp4"},
    {"audio/x-flac", "audio/flac"},
}};

// Longest Content-Type considered at all; real ones are a few dozen bytes.
constexpr std::size_t kMaxContentType = 128;

std::string_view TypeOfExtension(std::string_view ext) {
  for (const auto& [e, type] : kAudio) {
    if (e == ext) return type;
  }
  return {};
}

bool IsServedType(std::string_view type) {
  return std::any_of(kAudio.begin(), kAudio.end(), [&](const auto& a) { return a.second == type; });
}

std::string AllowedList() {
  std::string out;
  for (const auto& [e, type] : kAudio) {
    if (!out.empty()) out += ", ";
    out += type;
  }
  return out;
}

}  // namespace

std::string FileExtension(std::string_view ref) {
  const std::size_t dot = ref.rfind('.');
  const std::size_t slash = ref.rfind('/');
  if (dot == std::string_view::npos || dot + 1 == ref.size() || (slash != std::string_view::npos && dot < slash)) {
    return "bin";
  }
  std::string ext(ref.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

StatusOr<std::string> VoiceMediaType(std::string_view content_type, std::string_view file_name) {
  if (content_type.size() > kMaxContentType) {
    return Status::InvalidArgument("file: Content-Type is " + std::to_string(content_type.size()) +
                                   " bytes long, at most " + std::to_string(kMaxContentType) + " allowed");
  }
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [alias, canonical] : kAliases) {
    if (type == alias) type = std::string(canonical);
  }
  if (type.empty() || type == "application/octet-stream") {
    std::string_view by_extension = TypeOfExtension(FileExtension(file_name));
    if (by_extension.empty()) {
      return Status::InvalidArgument("file: no audio Content-Type and no audio file extension (allowed: " +
                                     AllowedList() + ")");
    }
    return std::string(by_extension);
  }
  if (!IsServedType(type)) {
    std::string shown;
    for (char c : type) shown.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : '?');
    return Status::InvalidArgument("file: Content-Type \"" + shown + "\" is not an audio type (allowed: " +
                                   AllowedList() + ")");
  }
  return type;
}

std::string ServedVoiceMediaType(std::string_view stored_type, std::string_view file_ref) {
  if (IsServedType(stored_type)) return std::string(stored_type);
  std::string_view by_extension = TypeOfExtension(FileExtension(file_ref));
  return by_extension.empty() ? "application/octet-stream" : std::string(by_extension);
}

Status ValidateVoiceText(std::string_view field, std::string_view value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    return Status::InvalidArgument(std::string(field) + ": " + std::to_string(value.size()) + " bytes, at most " +
                                   std::to_string(max_bytes) + " allowed");
  }
  if (!simdjson::validate_utf8(value.data(), value.size())) {
    return Status::InvalidArgument(std::string(field) + ": not valid UTF-8");
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument(std::string(field) + ": control characters are not allowed");
  }
  return Status::Ok();
}

}  // namespace routerd::leave
