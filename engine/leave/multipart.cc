#include "engine/leave/multipart.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace routerd::leave {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `param` in "type; a=b; c=\"d\"" (case-insensitive name), or nullopt.
std::optional<std::string> Param(std::string_view header, std::string_view param) {
  std::size_t i = header.find(';');
  if (i == std::string_view::npos) return std::nullopt;
  const std::size_t size = header.size();
  ++i;
  while (i < size) {
    while (i < size && (header[i] == ' ' || header[i] == '\t' || header[i] == ';')) ++i;
    const std::size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string name = Lower(Trim(header.substr(i, eq - i)));
    i = eq + 1;
    while (i < size && header[i] == ' ') ++i;
    std::string value;
    if (i < size && header[i] == '"') {
      for (++i; i < size && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < size) ++i;
        value.push_back(header[i]);
      }
      const std::size_t semi = header.find(';', i);
      i = semi == std::string_view::npos ? size : semi + 1;
    } else {
      const std::size_t semi = header.find(';', i);
      const std::size_t end = semi == std::string_view::npos ? size : semi;
      value = std::string(Trim(header.substr(i, end - i)));
      i = semi == std::string_view::npos ? size : semi + 1;
    }
    if (name == param) return value;
  }
  return std::nullopt;
}

}  // namespace

StatusOr<std::string> MultipartBoundary(std::string_view content_type) {
  const std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  if (Lower(type) != "multipart/form-data") {
    return Status::InvalidArgument("Content-Type must be multipart/form-data");
  }
  std::optional<std::string> boundary = Param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    return Status::InvalidArgument("Content-Type: multipart/form-data needs a boundary (1..70 characters)");
  }
  return *boundary;
}

StatusOr<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string inner = "\r\n" + delimiter;
  std::vector<FormPart> parts;
  // The preamble (usually empty) ends at the first delimiter.
  std::size_t pos = body.substr(0, delimiter.size()) == delimiter ? 0 : body.find(inner);
  if (pos == std::string_view::npos) return Status::InvalidArgument("multipart body: no boundary found");
  pos += pos == 0 ? delimiter.size() : inner.size();
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return Status::InvalidArgument("multipart body: malformed boundary line");
    pos += 2;
    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) {
      return Status::InvalidArgument("multipart body: a part's headers do not end");
    }
    FormPart part;
    bool has_disposition = false;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      const std::size_t eol = std::min(headers.find("\r\n"), headers.size());
      const std::string_view line = headers.substr(0, eol);
      headers.remove_prefix(std::min(eol + 2, headers.size()));
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return Status::InvalidArgument("multipart body: malformed part header");
      const std::string name = Lower(Trim(line.substr(0, colon)));
      const std::string_view value = Trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        if (Lower(Trim(value.substr(0, value.find(';')))) != "form-data") {
          return Status::InvalidArgument("multipart body: Content-Disposition must be form-data");
        }
        has_disposition = true;
        part.name = Param(value, "name").value_or("");
        part.file_name = Param(value, "filename").value_or("");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (!has_disposition || part.name.empty()) {
      return Status::InvalidArgument("multipart body: a part has no Content-Disposition name");
    }
    const std::size_t data_begin = headers_end + 4;
    const std::size_t data_end = body.find(inner, data_begin);
    if (data_end == std::string_view::npos) {
      return Status::InvalidArgument("multipart body: the closing boundary is missing");
    }
    part.data = std::string(body.substr(data_begin, data_end - data_begin));
    parts.push_back(std::move(part));
    pos = data_end + inner.size();
  }
}

}  // namespace routerd::leave
