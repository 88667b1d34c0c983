#include "routerd/form.h"

#include <string>
#include <utility>

#include "routerd/text_encoding.h"

namespace routerd {
namespace {

StatusOr<std::string> FormDecode(std::string_view in) {
  StatusOr<std::string> d = DecodeFormComponent(in);
  if (!d.ok()) return Status::InvalidArgument("form: " + d.status().message());
  return d;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

struct HeaderValue {
  std::string_view type;  // the first token (media type or disposition type)
  std::vector<std::pair<std::string, std::string>> params;  // names lowercased

  const std::string* Param(std::string_view name) const {
    for (const auto& [n, v] : params) {
      if (n == name) return &v;
    }
    return nullptr;
  }
};

// Parses `type *( OWS ";" OWS name "=" ( token / quoted-string ) )`, as used
// by Content-Type and Content-Disposition. A parameter given twice is an error
// (which value would win is ambiguous).
StatusOr<HeaderValue> ParseHeaderValue(std::string_view value) {
  HeaderValue out;
  size_t semi = value.find(';');
  out.type = TrimOws(value.substr(0, semi));
  if (out.type.empty()) return Status::InvalidArgument("form: empty header value");
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : value.substr(semi);
  for (;;) {
    rest = TrimOws(rest);
    if (rest.empty()) return out;
    if (rest.front() != ';') return Status::InvalidArgument("form: expected ';' between header parameters");
    rest.remove_prefix(1);
    rest = TrimOws(rest);
    if (rest.empty()) return out;  // a trailing ';' is harmless
    size_t n = 0;
    while (n < rest.size() && IsTokenChar(rest[n])) ++n;
    if (n == 0) return Status::InvalidArgument("form: malformed header parameter name");
    std::string name = AsciiLower(rest.substr(0, n));
    rest = TrimOws(rest.substr(n));
    if (rest.empty() || rest.front() != '=') {
      return Status::InvalidArgument("form: header parameter '" + name + "' has no value");
    }
    rest = TrimOws(rest.substr(1));
    std::string param_value;
    if (!rest.empty() && rest.front() == '"') {
      size_t i = 1;
      bool closed = false;
      for (; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (++i == rest.size()) break;
          c = rest[i];
        }
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
          return Status::InvalidArgument("form: control character in header parameter '" + name + "'");
        }
        param_value.push_back(c);
      }
      if (!closed) return Status::InvalidArgument("form: unterminated quoted header parameter '" + name + "'");
      rest.remove_prefix(i + 1);
    } else {
      size_t v = 0;
      while (v < rest.size() && IsTokenChar(rest[v])) ++v;
      if (v == 0) return Status::InvalidArgument("form: malformed value for header parameter '" + name + "'");
      param_value.assign(rest.substr(0, v));
      rest.remove_prefix(v);
    }
    if (out.Param(name) != nullptr) {
      return Status::InvalidArgument("form: header parameter '" + name + "' given twice");
    }
    out.params.emplace_back(std::move(name), std::move(param_value));
  }
}

// RFC 2046 bchars.
bool IsBoundaryChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '\'': case '(': case ')': case '+': case '_': case ',': case '-': case '.':
    case '/': case ':': case '=': case '?': case ' ':
      return true;
    default:
      return false;
  }
}

struct PartHeaders {
  std::string_view disposition;
  std::string_view content_type;
};

StatusOr<PartHeaders> ParsePartHeaders(std::string_view block, const MultipartLimits& limits) {
  PartHeaders out;
  size_t count = 0;
  while (!block.empty()) {
    size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    if (++count > limits.max_headers) return Status::InvalidArgument("multipart: too many part headers");
    if (!line.empty() && IsOws(line.front())) {
      return Status::InvalidArgument("multipart: folded part header lines are not supported");
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument("multipart: malformed part header line");
    }
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return Status::InvalidArgument("multipart: malformed part header name");
    }
    std::string_view value = TrimOws(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      if (!out.disposition.empty()) return Status::InvalidArgument("multipart: Content-Disposition given twice");
      out.disposition = value;
    } else if (EqualsIgnoreCase(name, "Content-Type")) {
      if (!out.content_type.empty()) return Status::InvalidArgument("multipart: Content-Type given twice");
      out.content_type = value;
    }
  }
  return out;
}

}  // namespace

StatusOr<std::vector<FormField>> ParseUrlEncodedForm(std::string_view body, std::size_t max_fields) {
  std::vector<FormField> fields;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    if (fields.size() == max_fields) return Status::InvalidArgument("form: too many fields");
    size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    if (!name.ok()) return name.status();
    auto value = FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    fields.push_back(FormField{std::move(*name), std::move(*value)});
  }
  return fields;
}

StatusOr<std::string> MultipartFormBoundary(std::string_view content_type) {
  auto parsed = ParseHeaderValue(content_type);
  if (!parsed.ok()) return parsed.status();
  if (!EqualsIgnoreCase(parsed->type, "multipart/form-data")) {
    return Status::InvalidArgument("multipart: media type is not multipart/form-data");
  }
  const std::string* boundary = parsed->Param("boundary");
  if (boundary == nullptr) return Status::InvalidArgument("multipart: missing boundary parameter");
  if (boundary->empty() || boundary->size() > 70 || boundary->back() == ' ') {
    return Status::InvalidArgument("multipart: boundary must be 1 to 70 characters, not ending in a space");
  }
  for (char c : *boundary) {
    if (!IsBoundaryChar(c)) return Status::InvalidArgument("multipart: invalid character in boundary");
  }
  return *boundary;
}

StatusOr<std::vector<MultipartPart>> ParseMultipartForm(std::string_view body, std::string_view boundary,
                                                        const MultipartLimits& limits) {
  if (boundary.empty()) return Status::InvalidArgument("multipart: empty boundary");
  const std::string delimiter = "\r\n--" + std::string(boundary);
  // The first delimiter may open the body (no CRLF before it) or follow a preamble.
  size_t pos;
  if (body.substr(0, delimiter.size() - 2) == std::string_view(delimiter).substr(2)) {
    pos = delimiter.size() - 2;
  } else {
    size_t found = body.find(delimiter);
    if (found == std::string_view::npos) return Status::InvalidArgument("multipart: no boundary delimiter in body");
    pos = found + delimiter.size();
  }

  std::vector<MultipartPart> parts;
  for (;;) {
    // pos is just past a delimiter: "--" closes, else transport padding and CRLF.
    if (body.substr(pos, 2) == "--") return parts;  // the epilogue, if any, is ignored
    while (pos < body.size() && IsOws(body[pos])) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Status::InvalidArgument("multipart: malformed boundary line");
    pos += 2;
    if (parts.size() == limits.max_parts) return Status::InvalidArgument("multipart: too many parts");

    // Header block: zero or more CRLF-terminated lines, then an empty line.
    std::string_view headers;
    if (body.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else {
      size_t end = body.find("\r\n\r\n", pos);
      if (end == std::string_view::npos) return Status::InvalidArgument("multipart: unterminated part headers");
      if (end - pos > limits.max_header_bytes) {
        return Status::InvalidArgument("multipart: part " + std::to_string(parts.size() + 1) + ": headers of " +
                                       std::to_string(end - pos) + " bytes, at most " +
                                       std::to_string(limits.max_header_bytes) + " allowed");
      }
      headers = body.substr(pos, end - pos);
      pos = end + 4;
    }
    auto part_headers = ParsePartHeaders(headers, limits);
    if (!part_headers.ok()) return part_headers.status();
    if (part_headers->disposition.empty()) {
      return Status::InvalidArgument("multipart: part without Content-Disposition");
    }
    auto disposition = ParseHeaderValue(part_headers->disposition);
    if (!disposition.ok()) return disposition.status();
    if (!EqualsIgnoreCase(disposition->type, "form-data")) {
      return Status::InvalidArgument("multipart: Content-Disposition is not form-data");
    }
    const std::string* name = disposition->Param("name");
    if (name == nullptr) return Status::InvalidArgument("multipart: part without a name");

    size_t end = body.find(delimiter, pos);
    if (end == std::string_view::npos) return Status::InvalidArgument("multipart: missing closing boundary");
    MultipartPart& part = parts.emplace_back();
    part.name = *name;
    if (const std::string* filename = disposition->Param("filename")) part.filename = *filename;
    part.content_type = part_headers->content_type;
    part.body = body.substr(pos, end - pos);
    pos = end + delimiter.size();
  }
}

}  // namespace routerd
