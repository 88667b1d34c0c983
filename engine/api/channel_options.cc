#include "routerd/channel_options.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace routerd {

ChannelOptions::ChannelOptions(std::string file, int table_line, std::string where)
    : file_(std::move(file)), table_line_(table_line), where_(std::move(where)) {}

void ChannelOptions::Set(std::string key, Value value, int line) {
  entries_.insert_or_assign(std::move(key), Entry{std::move(value), line});
}

const ChannelOptions::Entry* ChannelOptions::Find(std::string_view key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  read_.emplace(key);
  return &it->second;
}

Status ChannelOptions::Error(std::string_view key, std::string_view message) const {
  auto it = entries_.find(key);
  int line = it == entries_.end() ? table_line_ : it->second.line;
  std::string out = file_ + ":" + std::to_string(line) + ": " + where_ + ": " + std::string(key) +
                    ": " + std::string(message);
  return Status::InvalidArgument(std::move(out));
}

StatusOr<std::optional<std::string>> ChannelOptions::OptionalString(std::string_view key) {
  const Entry* e = Find(key);
  if (e == nullptr) return std::optional<std::string>();
  if (const auto* s = std::get_if<std::string>(&e->value)) return std::optional<std::string>(*s);
  return Error(key, "must be a string");
}

StatusOr<std::string> ChannelOptions::RequiredString(std::string_view key) {
  auto v = OptionalString(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) return Error(key, "is required");
  if ((*v)->empty()) return Error(key, "must not be empty");
  return std::move(**v);
}

StatusOr<std::optional<std::int64_t>> ChannelOptions::OptionalInt(std::string_view key) {
  const Entry* e = Find(key);
  if (e == nullptr) return std::optional<std::int64_t>();
  if (const auto* i = std::get_if<std::int64_t>(&e->value)) return std::optional<std::int64_t>(*i);
  return Error(key, "must be an integer");
}

StatusOr<std::optional<std::string>> ChannelOptions::OptionalSecret(std::string_view key) {
  const std::string env_key = std::string(key) + "_env";
  const std::string file_key = std::string(key) + "_file";
  auto inline_value = OptionalString(key);
  if (!inline_value.ok()) return inline_value.status();
  auto env_name = OptionalString(env_key);
  if (!env_name.ok()) return env_name.status();
  auto file_name = OptionalString(file_key);
  if (!file_name.ok()) return file_name.status();
  int given = inline_value->has_value() + env_name->has_value() + file_name->has_value();
  if (given == 0) return std::optional<std::string>();
  if (given > 1) {
    return Error(key, "give only one of " + std::string(key) + ", " + env_key + ", " + file_key);
  }
  std::string secret;
  if (inline_value->has_value()) {
    secret = **inline_value;
  } else if (env_name->has_value()) {
    const char* v = std::getenv((*env_name)->c_str());
    if (v == nullptr) return Error(env_key, "environment variable '" + **env_name + "' is not set");
    secret = v;
  } else {
    std::ifstream in(**file_name, std::ios::binary);
    if (!in) return Error(file_key, "cannot read secret file '" + **file_name + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    secret = ss.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  }
  if (secret.empty()) return Error(key, "the secret is empty");
  return std::optional<std::string>(std::move(secret));
}

StatusOr<std::string> ChannelOptions::RequiredSecret(std::string_view key) {
  auto v = OptionalSecret(key);
  if (!v.ok()) return v.status();
  if (!v->has_value()) {
    return Error(key, "missing secret (give " + std::string(key) + ", " + std::string(key) + "_env or " +
                          std::string(key) + "_file)");
  }
  return std::move(**v);
}

std::vector<std::string> ChannelOptions::UnreadKeys() const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) {
    if (!read_.contains(key)) out.push_back(key);
  }
  return out;
}

}  // namespace routerd
