#include "engine/config/int_table_reader.h"

#include "engine/config/id_rules.h"

namespace routerd::config {

std::vector<NamedInt> ReadIntTable(internal::TableReader& r, std::string_view key, std::int64_t min,
                                   std::int64_t max, std::string_view name_what, std::string_view value_what,
                                   internal::ErrorList& errors) {
  std::vector<NamedInt> out;
  const toml::table* table = r.Table(key);
  if (table == nullptr) return out;
  const std::string where = r.where();
  const std::string name(key);
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  for (const auto& [entry_key, node] : *table) {
    const std::string entry(entry_key.str());
    const int line = internal::LineOf(node);
    if (!IsPlainId(entry)) {
      errors.Add(line, where,
                 name + ": " + internal::Quote(entry) + " is not a valid " + std::string(name_what) + " name (1.." +
                     std::to_string(kMaxIdLength) + " of " + std::string(kPlainIdChars) + ")");
      continue;
    }
    const auto* value = node.as_integer();
    if (value == nullptr) {
      errors.Add(line, where,
                 name + "." + entry + " must be an integer " + std::string(value_what) + " " + range + " (got " +
                     std::string(internal::TypeName(node)) + ")");
      continue;
    }
    if (value->get() < min || value->get() > max) {
      errors.Add(line, where,
                 name + "." + entry + " = " + std::to_string(value->get()) + " is out of range (" + range + ")");
      continue;
    }
    out.push_back({entry, value->get(), line});
  }
  return out;
}

}  // namespace routerd::config
