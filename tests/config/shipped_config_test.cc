// The configuration the quick start runs (config/routerd.toml), loaded with
// stand-in factories for the seven channel kinds that accept any keys. This
// checks its structure and which keys each channel carries; the lead's test
// against the real adapters checks the values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/config/config_loader.h"
#include "tests/config/config_test_util.h"

namespace routerd::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr const char* kShippedConfig = ROUTERD_SOURCE_DIR "/config/routerd.toml";

class ShippedConfigTest : public ::testing::Test {
 protected:
  ShippedConfigTest() : seen_(std::make_shared<testing::AnyKeysFactory::Seen>()) {
    for (const char* kind : {"wechat", "web", "x", "email", "whatsapp", "facebook", "line"}) {
      EXPECT_TRUE(registry_.Register(std::make_unique<testing::AnyKeysFactory>(kind, seen_)).ok());
    }
    schema_.adapters = &registry_;
    schema_.strategies = testing::Strategies();
  }

  AdapterRegistry registry_;
  ConfigSchema schema_;
  std::shared_ptr<testing::AnyKeysFactory::Seen> seen_;
};

const TenantConfig& OnlyTenant(const Config& c) { return c.tenants.at(0); }

TEST_F(ShippedConfigTest, LoadsWithoutErrors) {
  LoadResult r = LoadConfigFile(kShippedConfig, schema_);
  ASSERT_THAT(r.errors, IsEmpty());
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->server.listen, "127.0.0.1:8080");
  ASSERT_THAT(r.config->tenants, SizeIs(1));
  EXPECT_EQ(OnlyTenant(*r.config).id, "demo");
  // Its [cluster] table shows the keys but leaves cluster mode off.
  EXPECT_FALSE(r.config->cluster.enabled);
  EXPECT_EQ(r.config->cluster.instance_id, "");
}

TEST_F(ShippedConfigTest, HasTwoOuLevels) {
  LoadResult r = LoadConfigFile(kShippedConfig, schema_);
  ASSERT_TRUE(r.config.has_value());
  const TenantConfig& t = OnlyTenant(*r.config);
  int top = 0;
  int second = 0;
  for (const OuConfig& ou : t.ous) {
    if (ou.parent.empty()) {
      ++top;
    } else {
      ++second;
      auto parent = std::find_if(t.ous.begin(), t.ous.end(), [&](const OuConfig& p) { return p.id == ou.parent; });
      ASSERT_NE(parent, t.ous.end());
      EXPECT_TRUE(parent->parent.empty()) << ou.id << " should be on the second level";
    }
  }
  EXPECT_GE(top, 1);
  EXPECT_GE(second, 1);
}

TEST_F(ShippedConfigTest, AgentsOfAllThreeTypesAndVoiceAgentsOnlyInVoiceQueues) {
  LoadResult r = LoadConfigFile(kShippedConfig, schema_);
  ASSERT_TRUE(r.config.has_value());
  const TenantConfig& t = OnlyTenant(*r.config);
  std::map<AgentType, int> by_type;
  for (const AgentConfig& a : t.agents) {
    ++by_type[a.type];
    for (const std::string& q : a.skill_queues) {
      auto queue = std::find_if(t.skill_queues.begin(), t.skill_queues.end(),
                                [&](const SkillQueueConfig& s) { return s.id == q; });
      ASSERT_NE(queue, t.skill_queues.end());
      EXPECT_TRUE(AgentServesMedia(a.type, queue->media)) << a.employee_id << " in " << q;
    }
    if (a.type == AgentType::kVoice) {
      EXPECT_THAT(a.skill_queues, ::testing::Not(IsEmpty()));
    }
  }
  EXPECT_GE(by_type[AgentType::kVersatile], 1);
  EXPECT_GE(by_type[AgentType::kMultimedia], 1);
  EXPECT_GE(by_type[AgentType::kVoice], 1);
}

TEST_F(ShippedConfigTest, TwoMultimediaQueuesOverflowToEachOtherThenToLeaveMessage) {
  LoadResult r = LoadConfigFile(kShippedConfig, schema_);
  ASSERT_TRUE(r.config.has_value());
  std::vector<const SkillQueueConfig*> multimedia;
  for (const SkillQueueConfig& q : OnlyTenant(*r.config).skill_queues) {
    if (q.media == QueueMedia::kMultimedia) multimedia.push_back(&q);
  }
  ASSERT_THAT(multimedia, SizeIs(2));
  EXPECT_EQ(multimedia[0]->on_overflow.kind, OverflowTarget::Kind::kQueue);
  EXPECT_EQ(multimedia[0]->on_overflow.queue_id, multimedia[1]->id);
  EXPECT_EQ(multimedia[1]->on_overflow.kind, OverflowTarget::Kind::kLeaveMessage);
}

TEST_F(ShippedConfigTest, OneChannelOfEachKindWithItsKeys) {
  LoadResult r = LoadConfigFile(kShippedConfig, schema_);
  ASSERT_TRUE(r.config.has_value());
  std::map<std::string, std::string> kind_of;
  for (const ChannelConfig& c : OnlyTenant(*r.config).channels) {
    EXPECT_TRUE(kind_of.emplace(c.kind, c.id).second) << "two channels of kind " << c.kind;
    EXPECT_NE(c.adapter, nullptr);
  }
  ASSERT_THAT(kind_of, SizeIs(7));
  auto keys = [&](const std::string& kind) { return (*seen_)[kind_of.at(kind)]; };
  EXPECT_THAT(keys("wechat"), UnorderedElementsAre("token", "app_id", "encoding_aes_key"));
  EXPECT_THAT(keys("web"), ElementsAre("secret"));
  EXPECT_THAT(keys("x"), ElementsAre("consumer_secret"));
  EXPECT_THAT(keys("email"), ElementsAre("signing_key"));
  EXPECT_THAT(keys("whatsapp"), UnorderedElementsAre("app_secret", "verify_token"));
  EXPECT_THAT(keys("facebook"), UnorderedElementsAre("app_secret", "verify_token"));
  EXPECT_THAT(keys("line"), ElementsAre("channel_secret"));
}

}  // namespace
}  // namespace routerd::config
