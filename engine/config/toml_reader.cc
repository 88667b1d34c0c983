#include "engine/config/toml_reader.h"

#include <algorithm>

#include "engine/config/id_rules.h"

namespace routerd::config::internal {

void ErrorList::Add(int line, std::string_view where, std::string_view message) {
  std::string text = file_.empty() ? std::string() : file_ + ":" + std::to_string(line) + ": ";
  if (!where.empty()) {
    text += where;
    text += ": ";
  }
  text += message;
  entries_.push_back({line, std::move(text)});
}

void ErrorList::AddFormatted(int line, std::string message) { entries_.push_back({line, std::move(message)}); }

std::vector<std::string> ErrorList::TakeSorted() {
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.line < b.line; });
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (Entry& e : entries_) {
    // One error per line of output, whatever a third-party message contains.
    std::replace(e.text.begin(), e.text.end(), '\n', ' ');
    std::replace(e.text.begin(), e.text.end(), '\r', ' ');
    out.push_back(std::move(e.text));
  }
  entries_.clear();
  return out;
}

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "table";
    case toml::node_type::array: return "array";
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "date";
    case toml::node_type::time: return "time";
    case toml::node_type::date_time: return "date-time";
  }
  return "unknown";
}

std::string Quote(std::string_view value) {
  constexpr size_t kMaxShown = 64;
  std::string out = "\"";
  for (size_t i = 0; i < value.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (value.size() > kMaxShown) out += "...";
  out.push_back('"');
  return out;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::optional<std::string> NearestWord(std::string_view word, const std::vector<std::string>& candidates) {
  // A third of the word may differ: "skil_queue" -> "skill_queues", not "id" -> "ou".
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

TableReader::TableReader(const toml::table& table, std::string path, ErrorList& errors)
    : table_(table), path_(std::move(path)), where_(path_), errors_(errors) {}

void TableReader::set_label(std::string_view label) {
  where_ = path_;
  if (!label.empty()) where_ += " '" + std::string(label) + "'";
}

int TableReader::KeyLine(std::string_view key) const {
  auto it = table_.find(key);
  if (it == table_.end()) return line();
  return static_cast<int>(it->first.source().begin.line);
}

void TableReader::Error(std::string_view key, std::string_view message) {
  errors_.Add(KeyLine(key), where_, message);
}

void TableReader::TableError(std::string_view message) { errors_.Add(line(), where_, message); }

const toml::node* TableReader::Get(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  auto it = table_.find(key);
  return it == table_.end() ? nullptr : &it->second;
}

void TableReader::Missing(std::string_view key) {
  TableError("missing required key '" + std::string(key) + "'");
}

void TableReader::WrongType(std::string_view key, const toml::node& node, std::string_view expected) {
  Error(key, std::string(key) + " must be " + std::string(expected) + " (got " + std::string(TypeName(node)) + ")");
}

std::optional<std::string> TableReader::String(std::string_view key, Presence presence) {
  const toml::node* node = Get(key);
  if (node == nullptr) {
    if (presence == Presence::kRequired) Missing(key);
    return std::nullopt;
  }
  const auto* s = node->as_string();
  if (s == nullptr) {
    WrongType(key, *node, "a string");
    return std::nullopt;
  }
  return s->get();
}

std::optional<std::string> TableReader::Choice(std::string_view key, std::initializer_list<std::string_view> allowed,
                                               Presence presence, std::string_view note) {
  std::optional<std::string> value = String(key, presence);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return value;
  std::string message = std::string(key) + " = " + Quote(*value) + " is not valid (allowed: ";
  bool first = true;
  for (std::string_view a : allowed) {
    if (!first) message += ", ";
    message += a;
    first = false;
  }
  message += ")";
  if (!note.empty()) {
    message += "; ";
    message += note;
  }
  Error(key, message);
  return std::nullopt;
}

std::optional<std::int64_t> TableReader::Int(std::string_view key, std::int64_t min, std::int64_t max,
                                             Presence presence) {
  const toml::node* node = Get(key);
  if (node == nullptr) {
    if (presence == Presence::kRequired) Missing(key);
    return std::nullopt;
  }
  const auto* i = node->as_integer();
  if (i == nullptr) {
    WrongType(key, *node, "an integer");
    return std::nullopt;
  }
  std::int64_t v = i->get();
  if (v < min || v > max) {
    Error(key, std::string(key) + " = " + std::to_string(v) + " is out of range (allowed " + std::to_string(min) +
                   ".." + std::to_string(max) + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<bool> TableReader::Bool(std::string_view key, Presence presence) {
  const toml::node* node = Get(key);
  if (node == nullptr) {
    if (presence == Presence::kRequired) Missing(key);
    return std::nullopt;
  }
  const auto* b = node->as_boolean();
  if (b == nullptr) {
    WrongType(key, *node, "true or false");
    return std::nullopt;
  }
  return b->get();
}

void TableReader::IntInto(std::string_view key, std::int64_t min, std::int64_t max, int& out) {
  if (auto v = Int(key, min, max, Presence::kOptional)) out = static_cast<int>(*v);
}

std::optional<std::vector<TableReader::Item>> TableReader::StringArray(std::string_view key, Presence presence) {
  const toml::node* node = Get(key);
  if (node == nullptr) {
    if (presence == Presence::kRequired) Missing(key);
    return std::nullopt;
  }
  const auto* array = node->as_array();
  if (array == nullptr) {
    WrongType(key, *node, "an array of strings");
    return std::nullopt;
  }
  std::vector<Item> items;
  bool ok = true;
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const auto* s = element.as_string();
    if (s == nullptr) {
      errors_.Add(LineOf(element), where_,
                  std::string(key) + "[" + std::to_string(i) + "] must be a string (got " +
                      std::string(TypeName(element)) + ")");
      ok = false;
      continue;
    }
    items.push_back({s->get(), LineOf(element)});
  }
  if (!ok) return std::nullopt;
  return items;
}

const toml::table* TableReader::Table(std::string_view key) {
  const toml::node* node = Get(key);
  if (node == nullptr) return nullptr;
  const auto* table = node->as_table();
  if (table == nullptr) WrongType(key, *node, "a table ([" + std::string(key) + "])");
  return table;
}

std::vector<const toml::table*> TableReader::TableArray(std::string_view key) {
  std::vector<const toml::table*> out;
  const toml::node* node = Get(key);
  if (node == nullptr) return out;
  const auto* array = node->as_array();
  if (array == nullptr) {
    WrongType(key, *node, "an array of tables ([[...]] sections)");
    return out;
  }
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const auto* table = element.as_table();
    if (table == nullptr) {
      errors_.Add(LineOf(element), where_,
                  std::string(key) + "[" + std::to_string(i) + "] must be a table (got " +
                      std::string(TypeName(element)) + ")");
    }
    out.push_back(table);
  }
  return out;
}

std::vector<std::pair<std::string, const toml::node*>> TableReader::OtherKeys() const {
  std::vector<std::pair<std::string, const toml::node*>> out;
  for (const auto& [key, node] : table_) {
    if (std::find(known_.begin(), known_.end(), key.str()) == known_.end()) {
      out.emplace_back(std::string(key.str()), &node);
    }
  }
  // toml++ keeps keys sorted by name; report them in file order.
  std::stable_sort(out.begin(), out.end(), [this](const auto& a, const auto& b) {
    return KeyLine(a.first) < KeyLine(b.first);
  });
  return out;
}

void TableReader::ReportUnknownKeys() {
  for (const auto& [key, node] : OtherKeys()) {
    std::string message = "unknown key '" + key + "'";
    if (auto nearest = NearestWord(key, known_)) message += " (did you mean '" + *nearest + "'?)";
    message += "; allowed keys: " + JoinNames(known_);
    Error(key, message);
  }
}

std::string KnownList(std::string_view what, const std::vector<std::string>& names) {
  constexpr std::size_t kMaxNamesListed = 12;
  if (names.empty()) return "(no " + std::string(what) + " defined)";
  std::vector<std::string> shown(names.begin(), names.begin() + std::min(names.size(), kMaxNamesListed));
  std::string out = "(known " + std::string(what) + ": " + JoinNames(shown);
  if (names.size() > shown.size()) out += ", ... " + std::to_string(names.size() - shown.size()) + " more";
  return out + ")";
}

std::optional<std::string> ReadId(TableReader& r, std::string_view key, bool (*valid_char)(char),
                                  std::string_view chars) {
  std::optional<std::string> id = r.String(key, Presence::kRequired);
  if (!id) return std::nullopt;
  if (id->empty() || id->size() > kMaxIdLength || !std::all_of(id->begin(), id->end(), valid_char)) {
    r.Error(key, std::string(key) + " = " + Quote(*id) + " is not a valid id (allowed: 1.." +
                     std::to_string(kMaxIdLength) + " of " + std::string(chars) + ")");
    return std::nullopt;
  }
  return id;
}

std::optional<std::string> ReadPlainId(TableReader& r, std::string_view key) {
  return ReadId(r, key, IsIdChar, kPlainIdChars);
}

}  // namespace routerd::config::internal
