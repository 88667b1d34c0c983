#include "email/email_address.h"

namespace routerd::adapters::email {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// A deliberately plain check: exactly one '@' splitting non-empty parts, no
// whitespace, control characters or specials that would mean we misparsed.
bool PlausibleAddrSpec(std::string_view addr) {
  size_t at = addr.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == addr.size()) return false;
  if (addr.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : addr) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '(' || c == ')' ||
        c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Removes one level of surrounding double quotes and backslash escapes.
std::string Unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

StatusOr<Mailbox> ParseMailbox(std::string_view header_value) {
  std::string_view value = Trim(header_value);
  // Find '<' outside a quoted display name.
  bool quoted = false;
  size_t open = std::string_view::npos;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == '<') {
      open = i;
      break;
    } else if (!quoted && c == ',') {
      value = Trim(value.substr(0, i));  // a list: keep the first mailbox
      break;
    }
  }
  if (quoted) return Status::InvalidArgument("email: unterminated quoted display name");

  Mailbox mailbox;
  std::string_view addr;
  if (open != std::string_view::npos) {
    size_t close = value.find('>', open);
    if (close == std::string_view::npos) return Status::InvalidArgument("email: '<' without '>' in address");
    addr = Trim(value.substr(open + 1, close - open - 1));
    mailbox.display_name = Unquote(Trim(value.substr(0, open)));
  } else {
    addr = value;
    size_t comment = addr.find('(');
    if (comment != std::string_view::npos) addr = Trim(addr.substr(0, comment));
  }
  if (!PlausibleAddrSpec(addr)) return Status::InvalidArgument("email: no valid address in the sender");
  mailbox.address = Lower(addr);
  return mailbox;
}

}  // namespace routerd::adapters::email
