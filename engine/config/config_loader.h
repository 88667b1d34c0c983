// Loads routerd's TOML configuration into a validated Config.
//
// Loading reports every problem it finds, not just the first: each error is
// one line, "<file>:<line>: <key path>: <what is wrong and what is allowed>",
// e.g. "routerd.toml:27: tenants[0].agents[3] '10004': max_concurrent_sessions
// = 61 is out of range (allowed 1..60)". Channel tables are handed to the
// channel kind's factory from the AdapterRegistry, which validates its own keys
// and builds the adapter; keys it never reads are reported as unknown.
// Exceptions from the TOML parser are caught here and become errors.
//
// Thread safety: the functions are reentrant; a schema is only read. The
// resulting Config is immutable and may be shared between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "routerd/adapter_registry.h"

namespace routerd::config {

// What the rest of the program accepts, so the loader can validate against it
// without knowing any channel or policy by name.
struct ConfigSchema {
  const AdapterRegistry* adapters = nullptr;  // channel kinds and their option validation; must be non-null
  std::vector<std::string> strategies;        // valid `strategy` values (from the router's policy registry)
};

struct LoadResult {
  std::optional<Config> config;     // set only when `errors` is empty
  std::vector<std::string> errors;  // sorted by line
};

// Reads and loads `path`; error messages name the file as given.
LoadResult LoadConfigFile(const std::string& path, const ConfigSchema& schema);

// Loads a document held in memory; `source_name` stands for the file in messages
// and becomes Config::source_path.
LoadResult LoadConfigString(std::string_view toml, std::string_view source_name, const ConfigSchema& schema);

}  // namespace routerd::config
