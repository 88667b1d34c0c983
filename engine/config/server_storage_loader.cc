#include "engine/config/server_storage_loader.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "routerd/channel_options.h"

namespace routerd::config {
namespace {

using internal::ErrorList;
using internal::Presence;
using internal::Quote;
using internal::TableReader;

constexpr std::int64_t kMaxThreads = 64;
constexpr std::int64_t kMinQueueCapacity = 1024;
constexpr std::int64_t kMaxQueueCapacity = 16777216;
constexpr std::int64_t kMaxBatchSize = 65536;
constexpr std::int64_t kMinTickMs = 10;
constexpr std::int64_t kMaxTickMs = 10000;
constexpr std::int64_t kMaxHistory = 100000;

bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  return value <= 65535;
}

// host:port, with an IPv6 host in brackets ("[::1]:8080").
bool ValidListen(std::string_view listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || !ValidPort(listen.substr(colon + 1))) return false;
  std::string_view host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
    });
  }
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
}

}  // namespace

void LoadStorageTable(const toml::table& table, StorageOptions& storage, ErrorList& errors) {
  TableReader r(table, "storage", errors);
  if (auto backend = r.Choice("backend", {"sqlite", "postgresql"}, Presence::kOptional)) storage.backend = *backend;
  if (auto dir = r.String("data_dir", Presence::kOptional)) {
    if (dir->empty()) {
      r.Error("data_dir", "data_dir is empty (give a directory; relative paths are relative to this file)");
    } else {
      storage.data_dir = *dir;
    }
  }
  if (auto mode = r.Choice("durability", {"sync", "async"}, Presence::kOptional)) {
    storage.durability = *mode == "sync" ? Durability::kSync : Durability::kAsync;
  }
  r.IntInto("dedup_retention_seconds", 3600, 31536000, storage.dedup_retention_seconds);
  r.IntInto("journal_queue_capacity", kMinQueueCapacity, kMaxQueueCapacity, storage.journal_queue_capacity);
  r.IntInto("max_voice_bytes", 1024, 256 << 20, storage.max_voice_bytes);
  r.IntInto("partitions", 0, 256, storage.partitions);
  r.IntInto("allocation_poll_seconds", 1, 3600, storage.allocation_poll_seconds);
  // The connection URL may hold a password: inline, or from the environment
  // or a file, as a channel's secret.
  ChannelOptions url(errors.file(), r.line(), r.where());
  bool has_url_key = false;
  for (std::string_view key : {"url", "url_env", "url_file"}) {
    if (auto value = r.String(key, Presence::kOptional)) {
      url.Set(std::string(key), *value, r.KeyLine(key));
      has_url_key = true;
    }
  }
  r.ReportUnknownKeys();
  if (storage.backend != "postgresql") {
    if (has_url_key) r.Error("url", "url, url_env and url_file are for backend = \"postgresql\" only");
    return;
  }
  StatusOr<std::string> value = url.RequiredSecret("url");
  if (!value.ok()) {
    errors.AddFormatted(r.KeyLine("url"), std::string(value.status().message()));
  } else if (value->empty()) {
    r.Error("url", "the PostgreSQL connection URL is empty");
  } else {
    storage.url = std::move(value).value();
  }
}

void LoadServerTable(const toml::table& table, ServerOptions& server, ErrorList& errors) {
  TableReader r(table, "server", errors);
  if (auto listen = r.String("listen", Presence::kOptional)) {
    if (ValidListen(*listen)) {
      server.listen = *listen;
    } else {
      r.Error("listen", "listen = " + Quote(*listen) +
                            " is not host:port (e.g. \"127.0.0.1:8080\" or \"[::1]:8080\"; port 0..65535)");
    }
  }
  r.IntInto("io_threads", 1, kMaxThreads, server.io_threads);
  r.IntInto("router_shards", 1, kMaxThreads, server.router_shards);
  r.IntInto("router_queue_capacity", kMinQueueCapacity, kMaxQueueCapacity, server.router_queue_capacity);
  auto batch = r.Int("router_batch_size", 1, kMaxBatchSize, Presence::kOptional);
  r.IntInto("router_tick_ms", kMinTickMs, kMaxTickMs, server.router_tick_ms);
  r.IntInto("session_history_limit", 1, kMaxHistory, server.session_history_limit);
  r.IntInto("ended_session_traces", 0, 1'000'000, server.ended_session_traces);
  r.IntInto("router_command_queue_capacity", kMinQueueCapacity, kMaxQueueCapacity,
            server.router_command_queue_capacity);
  r.IntInto("max_body_bytes", 1024, 64 << 20, server.max_body_bytes);
  r.IntInto("max_header_bytes", 1024, 1 << 20, server.max_header_bytes);
  r.IntInto("read_timeout_seconds", 1, 3600, server.read_timeout_seconds);
  r.IntInto("idle_timeout_seconds", 1, 86400, server.idle_timeout_seconds);
  r.IntInto("shutdown_grace_seconds", 1, 600, server.shutdown_grace_seconds);
  r.IntInto("max_connections", 1, 1000000, server.max_connections);
  r.IntInto("auth_failure_burst", 0, 1000000, server.auth_failure_burst);
  r.IntInto("auth_failures_per_minute", 1, 1000000, server.auth_failures_per_minute);
  r.IntInto("dedup_window_seconds", 0, 604800, server.dedup_window_seconds);
  r.IntInto("dedup_max_entries", 1000, 100000000, server.dedup_max_entries);
  r.IntInto("agent_grace_seconds", 0, 86400, server.agent_grace_seconds);
  r.IntInto("agent_outbox_limit", 16, 1000000, server.agent_outbox_limit);
  if (auto level = r.Choice("log_level", {"trace", "debug", "info", "warn", "error", "critical", "off"},
                            Presence::kOptional)) {
    server.log_level = *level;
  }
  r.ReportUnknownKeys();
  if (batch) {
    if (*batch > server.router_queue_capacity) {
      r.Error("router_batch_size", "router_batch_size = " + std::to_string(*batch) +
                                       " is larger than router_queue_capacity = " +
                                       std::to_string(server.router_queue_capacity));
    } else {
      server.router_batch_size = static_cast<int>(*batch);
    }
  }
}

}  // namespace routerd::config
