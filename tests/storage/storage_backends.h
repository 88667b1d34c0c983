// Runs a storage test on every backend: SQLite with one and four partitions,
// PostgreSQL (a private server, a fresh database per test) with one and four
// writers. A test names what it needs through the Storage interface only, so
// one suite covers both backends.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/storage.h"
#include "routerd/clock.h"
#include "tests/storage/storage_test_util.h"
#include "tests/support/postgres_environment.h"

namespace routerd::storage::testing {

struct BackendParam {
  std::string backend;  // "sqlite" or "postgresql"
  int partitions = 1;
};

// For failure messages: "sqlite/4" rather than the struct's bytes.
inline void PrintTo(const BackendParam& p, std::ostream* os) { *os << p.backend << "/" << p.partitions; }

inline auto AllBackends() {
  return ::testing::Values(BackendParam{"sqlite", 1}, BackendParam{"sqlite", 4}, BackendParam{"postgresql", 1},
                           BackendParam{"postgresql", 4});
}

// The two backends at their simplest (SQLite with one partition, PostgreSQL
// with one writer), for suites above the storage (the leave-message API) that
// need each backend once, not each of its layouts.
inline auto SqliteAndPostgres() {
  return ::testing::Values(BackendParam{"sqlite", 1}, BackendParam{"postgresql", 1});
}

inline std::string BackendTestName(const ::testing::TestParamInfo<BackendParam>& info) {
  return info.param.backend + "_" + std::to_string(info.param.partitions);
}

// Where one test's data lives: a temporary directory, and for PostgreSQL a
// database of its own, created on first use and kept across reopenings.
class BackendLocation {
 public:
  explicit BackendLocation(BackendParam param) : param_(std::move(param)) {}

  const BackendParam& param() const { return param_; }
  bool postgresql() const { return param_.backend == "postgresql"; }
  const std::string& data_dir() const { return data_dir_; }
  // The PostgreSQL URL (empty for sqlite); the test fails when no server.
  const std::string& url() {
    if (postgresql() && url_.empty()) {
      StatusOr<std::string> made = ::routerd::testing::FreshDatabase("storage");
      EXPECT_TRUE(made.ok()) << made.status().ToString();
      if (made.ok()) url_ = *made;
    }
    return url_;
  }

  // The PostgreSQL database's name: the URL's last path segment, before any
  // '?' (e.g. "storage_123_4" of postgresql:///storage_123_4?host=...); empty
  // for sqlite.
  std::string database() {
    const std::string& u = url();
    const std::string path = u.substr(0, u.find('?'));
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(slash + 1);
  }
  // Runs `sql` in this test's PostgreSQL database (psql -At: unaligned,
  // tuples only, no final newline). REQUIRES: postgresql().
  StatusOr<std::string> Psql(std::string_view sql) {
    if (!postgresql()) return Status::FailedPrecondition("Psql: not a postgresql backend");
    StatusOr<::routerd::testing::PostgresServer*> server = ::routerd::testing::SharedPostgres();
    if (!server.ok()) return server.status();
    return (*server)->Psql(database(), sql);
  }

  StorageOptions Options(std::vector<std::string> tenants = {"t1", "t2"}) {
    StorageOptions o;
    o.backend = param_.backend;
    o.data_dir = data_dir_;
    if (postgresql()) o.url = url();
    o.partitions = param_.partitions;
    o.prune_interval_ms = 0;
    o.tenants = std::move(tenants);
    return o;
  }

  // A started storage, pruning only on request; null (and a failure) when it
  // cannot open.
  std::unique_ptr<Storage> Open(const Clock& clock, std::vector<std::string> tenants = {"t1", "t2"}) {
    return OpenWith(Options(std::move(tenants)), clock);
  }

  static std::unique_ptr<Storage> OpenWith(const StorageOptions& options, const Clock& clock) {
    StatusOr<std::unique_ptr<Storage>> s = OpenStorage(options, clock);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    Status started = (*s)->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return started.ok() ? std::move(s).value() : nullptr;
  }

 private:
  BackendParam param_;
  TempDir dir_;
  std::string data_dir_ = dir_.data_dir();
  std::string url_;
};

}  // namespace routerd::storage::testing
