// A minimal, safe XML reader for provider payloads such as WeChat's flat
// <xml><Tag><![CDATA[...]]></Tag>...</xml> documents.
//
// It reads elements, character data, CDATA sections, comments, an optional XML
// declaration and attributes (which it skips). It decodes the five predefined
// entities and numeric character references, and nothing else: any <!DOCTYPE>,
// <!ENTITY> or other markup declaration is rejected, so external entities
// (XXE) and entity expansion ("billion laughs") cannot happen. Size, nesting
// depth and element count are bounded; recursion depth is at most max_depth.
// Namespaces are not interpreted (a prefixed name is just a name).
//
// Thread safety: ParseXml is a pure function; an XmlElement is a plain value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/status.h"

namespace routerd::adapters {

struct XmlLimits {
  std::size_t max_bytes = 1 << 20;  // whole document
  int max_depth = 16;               // the root element is depth 1
  std::size_t max_elements = 4096;  // in the whole document
};

struct XmlElement {
  std::string name;
  // Character data and CDATA directly inside this element, entity-decoded, in
  // document order (text between child elements included, untrimmed).
  std::string text;
  std::vector<XmlElement> children;

  // The first child with this exact (case-sensitive) name; nullptr if none.
  const XmlElement* Child(std::string_view child_name) const;
  // The text of the first child with this name; nullopt if there is no such child.
  std::optional<std::string_view> ChildText(std::string_view child_name) const;
};

// Parses a whole document and returns its root element. Fails with
// InvalidArgument (naming what and where) on malformed structure, mismatched
// tags, unknown entities, DTDs, trailing content, or a limit exceeded.
StatusOr<XmlElement> ParseXml(std::string_view document, const XmlLimits& limits = {});

}  // namespace routerd::adapters
