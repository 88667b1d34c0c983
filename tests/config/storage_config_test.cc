// [storage] backend and connection keys: PostgreSQL needs exactly one of url,
// url_env or url_file; SQLite takes none of them; mistakes name line and key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;
using StorageConfigTest = testing::OneTenantConfigTest;

TEST_F(StorageConfigTest, SqliteIsTheDefaultAndTakesNoUrl) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->storage.backend, "sqlite");
  EXPECT_EQ(r.config->storage.url, "");

  r = Load("[storage]\nurl = \"postgresql:///routerd\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("url ="), "storage", "for backend = \"postgresql\" only"));
}

TEST_F(StorageConfigTest, PostgresqlTakesItsUrlInlineFromTheEnvironmentOrFromAFile) {
  LoadResult r = Load("[storage]\nbackend = \"postgresql\"\nurl = \"postgresql://routerd@db1,db2/routerd\"\n");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->storage.backend, "postgresql");
  EXPECT_EQ(r.config->storage.url, "postgresql://routerd@db1,db2/routerd");

  ::setenv("ROUTERD_TEST_STORAGE_URL", "host=/run/postgresql dbname=routerd password=secret", 1);
  r = Load("[storage]\nbackend = \"postgresql\"\nurl_env = \"ROUTERD_TEST_STORAGE_URL\"\n");
  ::unsetenv("ROUTERD_TEST_STORAGE_URL");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->storage.url, "host=/run/postgresql dbname=routerd password=secret");
  // The summary (--check-config, the start-up log) never shows it.
  EXPECT_EQ(FormatConfigSummary(*r.config).find("secret"), std::string::npos);

  const std::string file = ::testing::TempDir() + "/routerd-storage-url";
  std::ofstream(file) << "postgresql:///routerd?host=/tmp\n";
  r = Load("[storage]\nbackend = \"postgresql\"\nurl_file = \"" + file + "\"\n");
  std::remove(file.c_str());
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_EQ(r.config->storage.url, "postgresql:///routerd?host=/tmp");
}

TEST_F(StorageConfigTest, PostgresqlWithoutAUsableUrlIsRefusedNamingTheKey) {
  LoadResult r = Load("[storage]\nbackend = \"postgresql\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ::testing::Contains(::testing::HasSubstr("url")));

  r = Load("[storage]\nbackend = \"postgresql\"\nurl_env = \"ROUTERD_TEST_NO_SUCH_VARIABLE\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, ::testing::Contains(::testing::HasSubstr("ROUTERD_TEST_NO_SUCH_VARIABLE")));

  r = Load("[storage]\nbackend = \"postgresql\"\nurl = \"a\"\nurl_env = \"B\"\n");
  EXPECT_FALSE(r.config.has_value()) << "two sources for one URL";

  r = Load("[storage]\nbackend = \"mysql\"\n");
  EXPECT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("backend ="), "storage", "postgresql"));
}

}  // namespace
}  // namespace routerd::config
