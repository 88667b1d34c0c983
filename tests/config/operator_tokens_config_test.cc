// [[operator_tokens]]: read from a digest, an environment variable or a file
// like a tenant's tokens, each mistake named with its line, a token unique
// across operators and tenants, and a change that a reload applies without a
// restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "engine/config/config_diff.h"
#include "engine/config/config_loader.h"
#include "engine/config/config_summary.h"
#include "routerd/crypto.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using testing::HasError;

std::string Hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const char c : raw) {
    out += kDigits[static_cast<unsigned char>(c) >> 4];
    out += kDigits[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

class OperatorTokensConfigTest : public testing::OneTenantConfigTest {};

TEST_F(OperatorTokensConfigTest, NoneByDefault) {
  LoadResult r = Load("");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  EXPECT_TRUE(r.config->operator_tokens.empty());
}

TEST_F(OperatorTokensConfigTest, ATokenComesAsItsDigestFromTheEnvironmentOrFromAFile) {
  const std::string file = ::testing::TempDir() + "/routerd-operator-token";
  {
    std::ofstream out(file, std::ios::trunc);
    out << "token-from-file\n";
  }
  ::setenv("ROUTERD_TEST_OPERATOR_TOKEN", "token-from-env", 1);
  LoadResult r = Load("[[operator_tokens]]\nname = \"ops\"\ntoken_sha256 = \"" + Hex(Sha256("token-as-digest")) +
                      "\"\n[[operator_tokens]]\nname = \"deploy\"\ntoken_env = \"ROUTERD_TEST_OPERATOR_TOKEN\"\n"
                      "[[operator_tokens]]\nname = \"cron\"\ntoken_file = \"" + file + "\"\n");
  ::unsetenv("ROUTERD_TEST_OPERATOR_TOKEN");
  ASSERT_TRUE(r.config.has_value()) << ::testing::PrintToString(r.errors);
  const auto& tokens = r.config->operator_tokens;
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].name, "ops");
  EXPECT_EQ(tokens[0].sha256, Sha256("token-as-digest"));
  EXPECT_EQ(tokens[0].line, Line("name = \"ops\"") - 1);
  EXPECT_EQ(tokens[1].sha256, Sha256("token-from-env"));
  EXPECT_EQ(tokens[2].sha256, Sha256("token-from-file")) << "the file's final newline is not part of the token";
  EXPECT_THAT(FormatConfigSummary(*r.config), ::testing::HasSubstr("\noperator tokens (3): ops, deploy, cron\n"));
}

TEST_F(OperatorTokensConfigTest, EachMistakeIsNamedWithItsLine) {
  const std::string digest = Hex(Sha256("x"));
  LoadResult r = Load("[[operator_tokens]]\ntoken_sha256 = \"" + digest + "\"\n"  // no name
                      "[[operator_tokens]]\nname = \"\"\ntoken_sha256 = \"" + Hex(Sha256("y")) + "\"\n"
                      "[[operator_tokens]]\nname = \"both\"\ntoken_sha256 = \"" + Hex(Sha256("z")) +
                      "\"\ntoken_env = \"HOME\"\n"
                      "[[operator_tokens]]\nname = \"short\"\ntoken_sha256 = \"abcd\"\n"
                      "[[operator_tokens]]\nname = \"unset\"\ntoken_env = \"ROUTERD_TEST_NO_SUCH_VARIABLE\"\n"
                      "[[operator_tokens]]\nname = \"typo\"\ntoken_sha265 = \"" + digest + "\"\n");
  ASSERT_FALSE(r.config.has_value());
  EXPECT_THAT(r.errors, HasError(Line("[[operator_tokens]]\ntoken_sha256") , "operator_tokens[0]",
                                                     "name"));
  EXPECT_THAT(r.errors, HasError(Line("name = \"\""), "operator_tokens[1]", "must not be empty"));
  EXPECT_THAT(r.errors, HasError(Line("name = \"both\"") - 1, "operator_tokens[2]",
                                                     "give exactly one of token_sha256"));
  EXPECT_THAT(r.errors, HasError(Line("token_sha256 = \"abcd\""), "operator_tokens[3]",
                                                     "64 hex digits"));
  EXPECT_THAT(r.errors, HasError(Line("ROUTERD_TEST_NO_SUCH_VARIABLE"), "operator_tokens[4]",
                                                     "is not set or empty"));
  EXPECT_THAT(r.errors, HasError(Line("token_sha265"), "operator_tokens[5]", "token_sha265"));
}

TEST_F(OperatorTokensConfigTest, ATokenIsUniqueAcrossOperatorsAndTenants) {
  const std::string digest = Hex(Sha256("shared"));
  LoadResult r = Load("[[tenants.tokens]]\nrole = \"tenant_admin\"\ntoken_sha256 = \"" + digest +
                      "\"\n[[operator_tokens]]\nname = \"ops\"\ntoken_sha256 = \"" + digest + "\"\n");
  ASSERT_FALSE(r.config.has_value());
  // Operators are read first: the tenant's token is the second place.
  EXPECT_THAT(r.errors, HasError(Line("[[tenants.tokens]]"), "tenants[0].tokens[0]",
                                                     "(operator_tokens[0]); a token must be unique across all "
                                                     "tenants and operators"));
}

TEST(OperatorTokensDiffTest, AChangeOfOperatorTokensNeedsNoRestart) {
  constexpr std::string_view kBefore = "[[tenants]]\nid = \"acme\"\n[[operator_tokens]]\nname = \"ops\"\n"
                                       "token_sha256 = \"aa\"\n";
  constexpr std::string_view kAfter = "[[tenants]]\nid = \"acme\"\n[[operator_tokens]]\nname = \"ops-2\"\n"
                                      "token_sha256 = \"bb\"\n";
  EXPECT_THAT(ChangedPartsBesideTokens(kBefore, kAfter), ::testing::IsEmpty());
  EXPECT_THAT(ChangedPartsBesideTokens(kBefore, "[[tenants]]\nid = \"acme\"\n"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace routerd::config
