#include "bench/loadgen/routerd_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/loadgen/signing.h"

namespace routerd::loadgen {
namespace {

std::string Config(const std::string& secret_file) {
  return R"(
[server]
listen = "0.0.0.0:18123"
io_threads = 1

[storage]
durability = "async"

[[tenants]]
id = "acme"
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "general"
[[tenants.skill_queues]]
id = "unrouted"
[[tenants.skill_queues]]
id = "hotline"
media = "voice"

[[tenants.agents]]
employee_id = "a1"
ou = "ou"
type = "multimedia"
skill_queues = ["general"]
[[tenants.agents]]
employee_id = "a2"
ou = "ou"
type = "versatile"
skill_queues = ["general", "hotline"]
[[tenants.agents]]
employee_id = "voice1"
ou = "ou"
type = "voice"
skill_queues = ["hotline"]
[[tenants.agents]]
employee_id = "idle"
ou = "ou"
type = "multimedia"
skill_queues = ["unrouted"]
[[tenants.agents]]
employee_id = "notoken"
ou = "ou"
type = "multimedia"
skill_queues = ["general"]

[[tenants.channels]]
id = "wa"
kind = "whatsapp"
skill_queue = "general"
app_secret_env = "LOADGEN_TEST_WA_SECRET"
verify_token = "v"
[[tenants.channels]]
id = "oa"
kind = "wechat"
skill_queue = "general"
token_file = ")" + secret_file + R"("
app_id = "wx49f0ab532d5d035a"
encoding_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
[[tenants.channels]]
id = "mail"
kind = "email"
skill_queue = "general"
signing_key = "inline-key"

[[tenants.tokens]]
role = "tenant_admin"
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
[[tenants.tokens]]
role = "agent"
employee_id = "a1"
token_sha256 = ")" + Hex(Sha256("agent-a1")) + R"("
[[tenants.tokens]]
role = "agent"
employee_id = "a2"
token_env = "LOADGEN_TEST_A2_TOKEN"
[[tenants.tokens]]
role = "agent"
employee_id = "voice1"
token_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
[[tenants.tokens]]
role = "agent"
employee_id = "idle"
token_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
)";
}

class RouterdConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    secret_file_ = std::filesystem::temp_directory_path() / ("loadgen_cfg_" + std::to_string(::getpid()));
    std::ofstream(secret_file_) << "wechat-token\n";
    ::setenv("LOADGEN_TEST_WA_SECRET", "wa-secret", 1);
    ::setenv("LOADGEN_TEST_A2_TOKEN", "plain-a2", 1);
  }
  void TearDown() override { std::filesystem::remove(secret_file_); }
  std::filesystem::path secret_file_;
};

TEST_F(RouterdConfigTest, ReadsListenChannelsAndSecretsFromEverySource) {
  auto c = ParseRouterdConfig(Config(secret_file_.string()), "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "0.0.0.0:18123");
  ASSERT_EQ(c->channels.size(), 3u);
  EXPECT_EQ(c->channels[0].id, "wa");
  EXPECT_EQ(c->channels[0].kind, ChannelKind::kWhatsApp);
  EXPECT_EQ(c->channels[0].secret, "wa-secret");
  EXPECT_EQ(c->channels[0].tenant_id, "acme");
  EXPECT_EQ(c->channels[1].kind, ChannelKind::kWeChat);
  EXPECT_EQ(c->channels[1].secret, "wechat-token");  // trailing newline stripped
  EXPECT_EQ(c->channels[1].wechat_app_id, "wx49f0ab532d5d035a");
  EXPECT_EQ(c->channels[1].wechat_aes_key, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR");
  EXPECT_EQ(c->channels[2].secret, "inline-key");
}

TEST_F(RouterdConfigTest, KeepsOnlyAgentsWithATokenThatCanReceiveSessions) {
  auto c = ParseRouterdConfig(Config(secret_file_.string()), "test.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->agents.size(), 2u);  // not the voice agent, the one on an unrouted queue, the one without token
  EXPECT_EQ(c->agents[0].employee_id, "a1");
  EXPECT_EQ(c->agents[0].token, "");
  EXPECT_EQ(c->agents[0].token_sha256, Hex(Sha256("agent-a1")));
  EXPECT_EQ(c->agents[1].employee_id, "a2");
  EXPECT_EQ(c->agents[1].token, "plain-a2");  // token_env gives the plain token
}

TEST_F(RouterdConfigTest, ResolvesTokensFromTheTemplateAndChecksThemAgainstTheHash) {
  auto c = ParseRouterdConfig(Config(secret_file_.string()), "test.toml");
  ASSERT_TRUE(c.ok());
  std::vector<AgentSpec> agents = c->agents;
  ASSERT_TRUE(ResolveAgentTokens(agents, "agent-{employee_id}", "").ok());
  EXPECT_EQ(agents[0].token, "agent-a1");
  EXPECT_EQ(agents[1].token, "plain-a2");

  agents = c->agents;
  Status wrong = ResolveAgentTokens(agents, "wrong-{employee_id}", "");
  EXPECT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("'a1' does not match its token_sha256"), std::string::npos) << wrong.message();

  agents = c->agents;
  Status none = ResolveAgentTokens(agents, "", "");
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.message().find("no token for agent(s) a1"), std::string::npos) << none.message();
}

TEST_F(RouterdConfigTest, ResolvesTokensFromATokensFile) {
  auto c = ParseRouterdConfig(Config(secret_file_.string()), "test.toml");
  ASSERT_TRUE(c.ok());
  const auto file = std::filesystem::temp_directory_path() / ("loadgen_tokens_" + std::to_string(::getpid()));
  std::ofstream(file) << "# employee_id token\n\na1 agent-a1   # the first\nother x\n";
  std::vector<AgentSpec> agents = c->agents;
  Status s = ResolveAgentTokens(agents, "", file.string());
  std::filesystem::remove(file);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(agents[0].token, "agent-a1");
}

TEST_F(RouterdConfigTest, ErrorsNameTheFileAndLine) {
  auto bad = ParseRouterdConfig("[server\nlisten = 1\n", "broken.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("broken.toml:1"), std::string::npos) << bad.status().message();

  ::unsetenv("LOADGEN_TEST_WA_SECRET");
  auto missing = ParseRouterdConfig(Config(secret_file_.string()), "test.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("LOADGEN_TEST_WA_SECRET"), std::string::npos);

  auto unknown_kind = ParseRouterdConfig(
      "[[tenants]]\nid = \"t\"\n[[tenants.channels]]\nid = \"c\"\nkind = \"sms\"\nskill_queue = \"q\"\n", "k.toml");
  ASSERT_FALSE(unknown_kind.ok());
  EXPECT_EQ(unknown_kind.status().message(), "k.toml:3: channel 'c' has unknown kind 'sms'");
}

TEST_F(RouterdConfigTest, TheShippedDemoConfigIsReadable) {
  auto c = ReadRouterdConfig(ROUTERD_SOURCE_DIR "/config/routerd.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->channels.size(), 7u);
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  // 10001..10004 have agent tokens and serve general/senior; the voice agents do not.
  ASSERT_EQ(c->agents.size(), 4u);
  std::vector<AgentSpec> agents = c->agents;
  EXPECT_TRUE(ResolveAgentTokens(agents, "demo-agent-{employee_id}", "").ok());
}

}  // namespace
}  // namespace routerd::loadgen
