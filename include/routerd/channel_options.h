// ChannelOptions: the keys of one [[tenants.channels]] table that belong to its
// adapter (everything but id, kind and skill_queue), with their source lines.
//
// Each getter marks its key as read; after the factory returns, the loader
// reports every key that was never read as unknown. Secrets may be given inline
// (`app_secret = "..."`), from the environment (`app_secret_env = "VAR"`) or
// from a file (`app_secret_file = "path"`, trailing newline stripped); exactly
// one of the three. Error messages carry "file:line: key:" and never the value
// of a secret.
//
// Thread safety: used only while the configuration is loaded, on one thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "routerd/status.h"

namespace routerd {

class ChannelOptions {
 public:
  using Value = std::variant<std::string, std::int64_t, bool>;

  ChannelOptions() = default;
  // `file` and `table_line` locate the channel table for messages about keys
  // that are missing; `where` names it ("tenants[0].channels[2] 'wa-main'").
  ChannelOptions(std::string file, int table_line, std::string where);

  void Set(std::string key, Value value, int line);

  StatusOr<std::optional<std::string>> OptionalString(std::string_view key);
  StatusOr<std::string> RequiredString(std::string_view key);
  StatusOr<std::optional<std::int64_t>> OptionalInt(std::string_view key);
  // Resolves key, key_env or key_file.
  StatusOr<std::string> RequiredSecret(std::string_view key);
  StatusOr<std::optional<std::string>> OptionalSecret(std::string_view key);

  // An InvalidArgument naming the file, the key's line (or the table's) and the key.
  Status Error(std::string_view key, std::string_view message) const;

  // Keys never read by any getter, in sorted order.
  std::vector<std::string> UnreadKeys() const;
  const std::string& where() const { return where_; }

 private:
  struct Entry {
    Value value;
    int line = 0;
  };
  const Entry* Find(std::string_view key);

  std::string file_;
  int table_line_ = 0;
  std::string where_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace routerd
