#include "bench/loadgen/http_response.h"

#include <charconv>
#include <cctype>

namespace routerd::loadgen {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IContains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (IEquals(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

HttpResponseHead Error(std::string why) {
  HttpResponseHead h;
  h.result = HttpResponseHead::Result::kError;
  h.error = std::move(why);
  return h;
}

// The size of a chunked body starting at `body`, or 0 with need_more/error set.
std::size_t ChunkedSize(std::string_view body, bool& need_more, std::string& error) {
  std::size_t pos = 0;
  for (;;) {
    const std::size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      need_more = true;
      return 0;
    }
    std::string_view line = body.substr(pos, eol - pos);
    if (std::size_t semi = line.find(';'); semi != std::string_view::npos) line = line.substr(0, semi);
    line = Trim(line);
    std::size_t chunk = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), chunk, 16);
    if (ec != std::errc() || end != line.data() + line.size()) {
      error = "bad chunk size";
      return 0;
    }
    pos = eol + 2;
    if (chunk == 0) {
      // Trailers (if any) end with an empty line.
      const std::size_t end_of_trailers = body.find("\r\n", pos);
      if (end_of_trailers == std::string_view::npos) {
        need_more = true;
        return 0;
      }
      if (end_of_trailers == pos) return pos + 2;
      const std::size_t blank = body.find("\r\n\r\n", pos);
      if (blank == std::string_view::npos) {
        need_more = true;
        return 0;
      }
      return blank + 4;
    }
    if (body.size() < pos + chunk + 2) {
      need_more = true;
      return 0;
    }
    pos += chunk + 2;
  }
}

}  // namespace

HttpResponseHead ParseHttpResponse(std::string_view bytes) {
  const std::size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (bytes.size() > 65536) return Error("response header larger than 64 KiB");
    return {};
  }
  const std::string_view head = bytes.substr(0, head_end);
  const std::size_t first_eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_eol);
  // "HTTP/1.1 200 OK"
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" || status_line[8] != ' ') {
    return Error("bad status line");
  }
  HttpResponseHead h;
  auto [end, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, h.status);
  if (ec != std::errc() || end != status_line.data() + 12 || h.status < 100) return Error("bad status code");
  h.keep_alive = status_line.substr(5, 3) != "1.0";

  bool have_length = false;
  bool chunked = false;
  std::size_t content_length = 0;
  std::size_t pos = first_eol == std::string_view::npos ? head.size() : first_eol + 2;
  while (pos < head.size()) {
    std::size_t eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    const std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Error("bad header line");
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-length")) {
      auto [e, err] = std::from_chars(value.data(), value.data() + value.size(), content_length);
      if (err != std::errc() || e != value.data() + value.size()) return Error("bad Content-Length");
      have_length = true;
    } else if (IEquals(name, "transfer-encoding")) {
      chunked = IContains(value, "chunked");
    } else if (IEquals(name, "connection")) {
      if (IContains(value, "close")) h.keep_alive = false;
      if (IContains(value, "keep-alive")) h.keep_alive = true;
    }
  }
  const std::size_t body_start = head_end + 4;
  const bool no_body = h.status < 200 || h.status == 204 || h.status == 304;
  if (no_body) {
    h.size = body_start;
  } else if (chunked) {
    bool need_more = false;
    std::string error;
    const std::size_t n = ChunkedSize(bytes.substr(body_start), need_more, error);
    if (!error.empty()) return Error(error);
    if (need_more) return {};
    h.size = body_start + n;
  } else if (have_length) {
    if (bytes.size() < body_start + content_length) return {};
    h.size = body_start + content_length;
  } else {
    return Error("response without Content-Length or chunked encoding");
  }
  h.result = HttpResponseHead::Result::kComplete;
  return h;
}

}  // namespace routerd::loadgen
