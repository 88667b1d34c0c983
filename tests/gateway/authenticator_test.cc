// The authenticator's token table: API tokens added and revoked, and a
// reloaded file's tokens replacing the old ones (kept ones keep their serial,
// removed ones are handed back so their connections can be closed).
#include "engine/gateway/auth.h"

#include <gtest/gtest.h>

#include "routerd/crypto.h"

namespace routerd::gateway {
namespace {

config::TokenConfig Token(std::string name, config::TokenConfig::Role role, std::string employee, int line) {
  config::TokenConfig t;
  t.name = name;
  t.role = role;
  t.employee_id = std::move(employee);
  t.sha256 = Sha256(name + "-value");
  t.line = line;
  return t;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() {
    config::TenantConfig t;
    t.id = "acme";
    t.tokens = {Token("admin", config::TokenConfig::Role::kTenantAdmin, "", 10),
                Token("a1", config::TokenConfig::Role::kAgent, "a1", 14)};
    config_.tenants.push_back(t);
  }
  config::Config config_;
};

TEST_F(AuthenticatorTest, ApiTokensAreAddedListedAndRevoked) {
  Authenticator auth(config_);
  const config::TenantConfig& acme = config_.tenants[0];
  ASSERT_TRUE(auth.Add(acme, Sha256("kiosk-value"), {"kiosk", config::TokenConfig::Role::kTenantAdmin, "", false, 0, 5, "admin"}));
  std::optional<Principal> who = auth.Authenticate("kiosk-value");
  ASSERT_TRUE(who.has_value());
  EXPECT_TRUE(who->from_api);
  EXPECT_TRUE(who->admin());
  EXPECT_NE(who->token_serial, auth.Authenticate("admin-value")->token_serial);
  const std::vector<TokenInfo> list = auth.Tokens("acme");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[2].name, "kiosk");
  EXPECT_FALSE(auth.Revoke("acme", "admin").has_value()) << "a file token is not revoked through the API";
  std::optional<Principal> revoked = auth.Revoke("acme", "kiosk");
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->token_serial, who->token_serial);
  EXPECT_FALSE(auth.Authenticate("kiosk-value").has_value());
}

TEST_F(AuthenticatorTest, AReloadedFileReplacesTheFileTokensOnly) {
  Authenticator auth(config_);
  const config::TenantConfig& acme = config_.tenants[0];
  ASSERT_TRUE(auth.Add(acme, Sha256("kiosk-value"), {"kiosk", config::TokenConfig::Role::kTenantAdmin, "", false, 0, 5, "admin"}));
  const std::uint64_t admin_serial = auth.Authenticate("admin-value")->token_serial;
  const std::uint64_t a1_serial = auth.Authenticate("a1-value")->token_serial;

  // admin kept (moved to another line, renamed), a1 removed, a2 added; a
  // token whose role changed is another token.
  config::TokenConfig admin = Token("admin", config::TokenConfig::Role::kTenantAdmin, "", 30);
  admin.name = "supervisor";
  config::TokenConfig a2 = Token("a2", config::TokenConfig::Role::kAgent, "a2", 34);
  Authenticator::FileTokenChange change = auth.ReplaceFileTokens(acme, {admin, a2});
  ASSERT_EQ(change.removed.size(), 1u);
  EXPECT_EQ(change.removed[0].token_serial, a1_serial);
  EXPECT_EQ(change.added, 1u);
  EXPECT_FALSE(auth.Authenticate("a1-value").has_value());
  EXPECT_EQ(auth.Authenticate("admin-value")->token_serial, admin_serial);
  EXPECT_EQ(auth.Authenticate("admin-value")->name, "supervisor");
  EXPECT_EQ(auth.Authenticate("a2-value")->employee_id, "a2");
  EXPECT_TRUE(auth.Authenticate("kiosk-value").has_value()) << "API tokens are not the file's";

  config::TokenConfig demoted = admin;
  demoted.role = config::TokenConfig::Role::kAgent;
  demoted.employee_id = "a2";
  change = auth.ReplaceFileTokens(acme, {demoted, a2});
  ASSERT_EQ(change.removed.size(), 1u);
  EXPECT_EQ(change.added, 1u);
  EXPECT_FALSE(auth.Authenticate("admin-value")->admin());
}

}  // namespace
}  // namespace routerd::gateway
