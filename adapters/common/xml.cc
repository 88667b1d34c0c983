#include "common/xml.h"

#include <cstdint>
#include <utility>

namespace routerd::adapters {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool IsNameStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || u >= 0x80;
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// The Char production of XML 1.0: what a character reference may denote.
bool IsXmlChar(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  Parser(std::string_view doc, const XmlLimits& limits) : doc_(doc), limits_(limits) {}

  StatusOr<XmlElement> ParseDocument() {
    if (doc_.size() > limits_.max_bytes) return Error("document larger than the limit");
    if (doc_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    if (Rest().substr(0, 5) == "<?xml" && pos_ + 5 < doc_.size() && IsXmlSpace(doc_[pos_ + 5])) {
      ROUTERD_RETURN_IF_ERROR(SkipPast("?>", "unterminated XML declaration"));
    }
    ROUTERD_RETURN_IF_ERROR(SkipMisc());
    if (AtEnd() || doc_[pos_] != '<') return Error("expected the root element");
    XmlElement root;
    ROUTERD_RETURN_IF_ERROR(ParseElement(root, 1));
    ROUTERD_RETURN_IF_ERROR(SkipMisc());
    if (!AtEnd()) return Error("content after the root element");
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= doc_.size(); }
  std::string_view Rest() const { return doc_.substr(pos_); }
  bool StartsWith(std::string_view s) const { return Rest().substr(0, s.size()) == s; }

  Status Error(std::string_view what) const {
    return Status::InvalidArgument("xml: " + std::string(what) + " at byte " + std::to_string(pos_));
  }

  Status SkipPast(std::string_view terminator, std::string_view error) {
    size_t end = doc_.find(terminator, pos_);
    if (end == std::string_view::npos) return Error(error);
    pos_ = end + terminator.size();
    return Status::Ok();
  }

  void SkipSpace() {
    while (!AtEnd() && IsXmlSpace(doc_[pos_])) ++pos_;
  }

  // Whitespace, comments and processing instructions outside the root element.
  Status SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<!--")) {
        ROUTERD_RETURN_IF_ERROR(SkipPast("-->", "unterminated comment"));
      } else if (StartsWith("<?")) {
        ROUTERD_RETURN_IF_ERROR(SkipPast("?>", "unterminated processing instruction"));
      } else if (StartsWith("<!")) {
        return Error("DOCTYPE and other markup declarations are not allowed");
      } else {
        return Status::Ok();
      }
    }
  }

  StatusOr<std::string_view> ParseName() {
    size_t start = pos_;
    if (AtEnd() || !IsNameStart(doc_[pos_])) return Error("expected a name");
    while (!AtEnd() && IsNameChar(doc_[pos_])) ++pos_;
    return doc_.substr(start, pos_ - start);
  }

  // Attributes are checked for well-formedness and skipped. Returns whether
  // the tag was self-closing.
  StatusOr<bool> ParseTagRest() {
    for (;;) {
      bool had_space = !AtEnd() && IsXmlSpace(doc_[pos_]);
      SkipSpace();
      if (AtEnd()) return Error("unterminated tag");
      if (doc_[pos_] == '>') {
        ++pos_;
        return false;
      }
      if (StartsWith("/>")) {
        pos_ += 2;
        return true;
      }
      if (!had_space) return Error("expected whitespace before an attribute");
      auto name = ParseName();
      if (!name.ok()) return name.status();
      SkipSpace();
      if (AtEnd() || doc_[pos_] != '=') return Error("expected '=' after an attribute name");
      ++pos_;
      SkipSpace();
      if (AtEnd() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return Error("expected a quoted attribute value");
      char quote = doc_[pos_++];
      size_t end = doc_.find(quote, pos_);
      if (end == std::string_view::npos) return Error("unterminated attribute value");
      if (doc_.substr(pos_, end - pos_).find('<') != std::string_view::npos) {
        return Error("'<' in an attribute value");
      }
      pos_ = end + 1;
    }
  }

  Status ParseReference(std::string& out) {
    // pos_ is at '&'.
    size_t semi = doc_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Error("malformed entity reference");
    std::string_view ref = doc_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "lt") {
      out.push_back('<');
    } else if (ref == "gt") {
      out.push_back('>');
    } else if (ref == "amp") {
      out.push_back('&');
    } else if (ref == "quot") {
      out.push_back('"');
    } else if (ref == "apos") {
      out.push_back('\'');
    } else if (ref.size() >= 2 && ref[0] == '#') {
      bool hex = ref[1] == 'x';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 8) return Error("malformed character reference");
      std::uint32_t cp = 0;
      for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9') {
          v = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
          v = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
          v = c - 'A' + 10;
        } else {
          return Error("malformed character reference");
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
      }
      if (!IsXmlChar(cp)) return Error("character reference to a character XML does not allow");
      AppendUtf8(cp, out);
    } else {
      return Error("unknown entity '&" + std::string(ref) + ";'");
    }
    pos_ = semi + 1;
    return Status::Ok();
  }

  // pos_ is at the '<' of a start tag.
  Status ParseElement(XmlElement& element, int depth) {
    if (depth > limits_.max_depth) return Error("elements nested deeper than the limit");
    if (++element_count_ > limits_.max_elements) return Error("more elements than the limit");
    ++pos_;
    auto name = ParseName();
    if (!name.ok()) return name.status();
    element.name.assign(*name);
    auto self_closing = ParseTagRest();
    if (!self_closing.ok()) return self_closing.status();
    if (*self_closing) return Status::Ok();

    for (;;) {
      if (AtEnd()) return Error("unterminated element <" + element.name + ">");
      char c = doc_[pos_];
      if (c == '&') {
        ROUTERD_RETURN_IF_ERROR(ParseReference(element.text));
      } else if (c != '<') {
        size_t end = doc_.find_first_of("<&", pos_);
        if (end == std::string_view::npos) end = doc_.size();
        element.text.append(doc_.substr(pos_, end - pos_));
        pos_ = end;
      } else if (StartsWith("</")) {
        pos_ += 2;
        auto end_name = ParseName();
        if (!end_name.ok()) return end_name.status();
        if (*end_name != element.name) {
          return Error("</" + std::string(*end_name) + "> does not close <" + element.name + ">");
        }
        SkipSpace();
        if (AtEnd() || doc_[pos_] != '>') return Error("malformed end tag");
        ++pos_;
        return Status::Ok();
      } else if (StartsWith("<![CDATA[")) {
        pos_ += 9;
        size_t end = doc_.find("]]>", pos_);
        if (end == std::string_view::npos) return Error("unterminated CDATA section");
        element.text.append(doc_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (StartsWith("<!--")) {
        ROUTERD_RETURN_IF_ERROR(SkipPast("-->", "unterminated comment"));
      } else if (StartsWith("<!")) {
        return Error("DOCTYPE and other markup declarations are not allowed");
      } else if (StartsWith("<?")) {
        ROUTERD_RETURN_IF_ERROR(SkipPast("?>", "unterminated processing instruction"));
      } else {
        XmlElement& child = element.children.emplace_back();
        ROUTERD_RETURN_IF_ERROR(ParseElement(child, depth + 1));
      }
    }
  }

  std::string_view doc_;
  const XmlLimits& limits_;
  size_t pos_ = 0;
  size_t element_count_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

std::optional<std::string_view> XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  if (child == nullptr) return std::nullopt;
  return std::string_view(child->text);
}

StatusOr<XmlElement> ParseXml(std::string_view document, const XmlLimits& limits) {
  return Parser(document, limits).ParseDocument();
}

}  // namespace routerd::adapters
