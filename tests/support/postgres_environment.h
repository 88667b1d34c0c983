// One PostgreSQL server shared by all the tests of a binary, started on first
// use and stopped when the binary exits; each test takes a database of its own.
//
//   StatusOr<std::string> conninfo = FreshDatabase("journal");
//   ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
//
// A server that cannot start fails every test that asks for it, with the
// reason: a missing PostgreSQL is a broken test machine, not a test to skip.
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"
#include "tests/support/postgres_server.h"

namespace routerd::testing {

// The shared server, or why it could not start (the first attempt's error,
// returned to every caller: starting is tried once per process). Thread-safe.
StatusOr<PostgresServer*> SharedPostgres();

// Creates an empty database on the shared server, named `prefix`, this
// process's pid and a counter (unique across concurrent test binaries), and
// returns its libpq URL. Thread-safe.
StatusOr<std::string> FreshDatabase(std::string_view prefix);

}  // namespace routerd::testing
