// An inline table of name = integer in the configuration, the shape of an
// agent's `skills = { spanish = 7 }` and of the caps per channel kind
// (`{ email = 8 }`): names by the plain id rules, values in a range, each
// mistake reported with its line. One reader, so both say the same.
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/toml_reader.h"

namespace routerd::config {

struct NamedInt {
  std::string name;
  std::int64_t value = 0;
  int line = 0;
};

// Reads `key` of the table behind `r` (absent: empty), in file order.
// `name_what` and `value_what` name an entry's parts in messages ("skill" and
// "level"); entries in error are reported and left out.
std::vector<NamedInt> ReadIntTable(internal::TableReader& r, std::string_view key, std::int64_t min,
                                   std::int64_t max, std::string_view name_what, std::string_view value_what,
                                   internal::ErrorList& errors);

}  // namespace routerd::config
