// The storage backends the durability suites run on: SQLite files in the data
// directory, and PostgreSQL, a database of the test's own on the private
// server that the test binary starts (tests/support/postgres_environment.h).
// A suite takes the backend as its parameter and calls UseBackend on the
// configuration it starts routerd with; the same configuration opens the
// DatabaseProbe.
//
// Thread safety: UseBackend may be called from any thread.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "routerd/status.h"
#include "tests/durability/durability_config.h"

namespace routerd::durability {

inline constexpr std::string_view kSqlite = "sqlite";
inline constexpr std::string_view kPostgresql = "postgresql";

// Every backend, as the parameter of a suite.
inline auto AllBackends() { return ::testing::Values(std::string(kSqlite), std::string(kPostgresql)); }
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// Sets `config.backend`; for PostgreSQL also `config.url`, the URL of a new,
// empty database. Error when the backend is unknown or no server runs.
Status UseBackend(std::string_view backend, DurabilityConfig& config);

}  // namespace routerd::durability
