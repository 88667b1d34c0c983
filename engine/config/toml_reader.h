// Internal to routerd_config: typed, error-collecting access to TOML tables.
//
// Includes toml++, which only routerd_config links (with the compile
// definitions of the shared library build), so no header outside
// engine/config/ may include this one.
//
// A TableReader remembers every key it was asked about; whatever else the
// table holds is unknown, and ReportUnknownKeys() lists the allowed keys (and
// the nearest one) so a typo is caught instead of silently ignored. Getters
// report problems to the ErrorList and return nullopt, so loading continues
// and every error in the file is found in one pass.
//
// Thread safety: none; used by one loading thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

namespace routerd::config::internal {

// Load errors with the line they belong to, so they can be reported in file order.
class ErrorList {
 public:
  // `file` empty: the text checked is not a file (an API request), and its
  // messages carry no "<file>:<line>: ".
  explicit ErrorList(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // Adds "<file>:<line>: <where>: <message>" (no "<where>: " when it is empty).
  void Add(int line, std::string_view where, std::string_view message);
  // Adds a message that already names its file and line (from an adapter factory).
  void AddFormatted(int line, std::string message);
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  // All messages, stably sorted by line, each on a single line.
  std::vector<std::string> TakeSorted();

 private:
  struct Entry {
    int line = 0;
    std::string text;
  };
  std::string file_;
  std::vector<Entry> entries_;
};

enum class Presence { kOptional, kRequired };

int LineOf(const toml::node& node);
std::string_view TypeName(const toml::node& node);
// A string value for an error message: quoted, control characters escaped, long values cut.
std::string Quote(std::string_view value);
// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
std::optional<std::string> NearestWord(std::string_view word, const std::vector<std::string>& candidates);
// "a, b, c"
std::string JoinNames(const std::vector<std::string>& names);
// "(known <what>: a, b, c)", cut off after a dozen so a big tenant does not
// flood the terminal; "(no <what> defined)" when empty.
std::string KnownList(std::string_view what, const std::vector<std::string>& names);

class TableReader;

// The id at `key` (required): 1..kMaxIdLength characters for which
// `valid_char` holds (`chars` names them in the error).
std::optional<std::string> ReadId(TableReader& r, std::string_view key, bool (*valid_char)(char),
                                  std::string_view chars);
// An id of letters, digits, '.', '_', '-' (tenants, OUs, queues, channels).
std::optional<std::string> ReadPlainId(TableReader& r, std::string_view key);

class TableReader {
 public:
  // `path` locates the table ("tenants[0].agents[3]"); a label (the table's id,
  // once read) is shown after it in messages.
  TableReader(const toml::table& table, std::string path, ErrorList& errors);

  const std::string& path() const { return path_; }
  void set_label(std::string_view label);
  // "tenants[0].agents[3] '10004'", or just the path while there is no label.
  const std::string& where() const { return where_; }
  int line() const { return LineOf(table_); }
  // The line of `key`, or the table's line when it is absent.
  int KeyLine(std::string_view key) const;
  // An error about `key` at its line.
  void Error(std::string_view key, std::string_view message);
  // An error about the table as a whole at its line.
  void TableError(std::string_view message);

  std::optional<std::string> String(std::string_view key, Presence presence);
  // A string that must be one of `allowed`; `note` is added to the error message.
  std::optional<std::string> Choice(std::string_view key, std::initializer_list<std::string_view> allowed,
                                    Presence presence, std::string_view note = {});
  std::optional<std::int64_t> Int(std::string_view key, std::int64_t min, std::int64_t max, Presence presence);
  std::optional<bool> Bool(std::string_view key, Presence presence);
  // Reads an optional integer into `out`, leaving the default there when absent or invalid.
  void IntInto(std::string_view key, std::int64_t min, std::int64_t max, int& out);
  // Each element with its line.
  struct Item {
    std::string value;
    int line = 0;
  };
  std::optional<std::vector<Item>> StringArray(std::string_view key, Presence presence);
  // A sub-table; nullptr when absent or not a table (reported).
  const toml::table* Table(std::string_view key);
  // An array of tables. Elements that are not tables are reported and come back
  // as nullptr, so indices still match the file.
  std::vector<const toml::table*> TableArray(std::string_view key);

  // Keys that no getter asked about, in file order.
  std::vector<std::pair<std::string, const toml::node*>> OtherKeys() const;
  void ReportUnknownKeys();

 private:
  const toml::node* Get(std::string_view key);
  void Missing(std::string_view key);
  void WrongType(std::string_view key, const toml::node& node, std::string_view expected);

  const toml::table& table_;
  std::string path_;
  std::string where_;
  ErrorList& errors_;
  std::vector<std::string> known_;  // in the order asked, for the "allowed" list
};

}  // namespace routerd::config::internal
