#include "bench/loadgen/traffic.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace routerd::loadgen {
namespace {

std::vector<ChannelEndpoint> Channels() {
  std::vector<ChannelEndpoint> out;
  for (ChannelKind k : kAllKinds) {
    ChannelEndpoint c;
    c.tenant_id = "t";
    c.id = std::string(KindName(k)) + "-1";
    c.kind = k;
    c.secret = "secret";
    out.push_back(c);
  }
  ChannelEndpoint second = out[static_cast<std::size_t>(ChannelKind::kLine)];
  second.id = "line-2";
  out.push_back(second);
  return out;
}

// "/webhooks/<kind>/<id>" from the raw request.
std::string Path(const std::string& bytes) {
  const std::size_t a = bytes.find(' ') + 1;
  const std::size_t b = bytes.find_first_of(" ?", a);
  return bytes.substr(a, b - a);
}

TEST(TrafficTest, MarkerRoundTripsAndIgnoresOtherRuns) {
  EXPECT_EQ(Marker(0xabc, 17), "[lg:00000abc:17]");
  EXPECT_EQ(FindMarker("hello [lg:00000abc:17] there", 0xabc), 17u);
  EXPECT_FALSE(FindMarker("hello [lg:00000abc:17]", 0xabd).has_value());
  EXPECT_FALSE(FindMarker("hello [lg:00000abc:17", 0xabc).has_value());
  EXPECT_FALSE(FindMarker("hello [lg:00000abc:]", 0xabc).has_value());
  EXPECT_FALSE(FindMarker("no marker", 0xabc).has_value());
  EXPECT_EQ(FindMarker("Subject\n\nbody [lg:ffffffff:18446744073709551615]", 0xffffffff), UINT64_MAX);
}

TEST(TrafficTest, ParseMix) {
  auto mix = ParseMix("whatsapp=3,web=2,line=0.5");
  ASSERT_TRUE(mix.ok()) << mix.status().ToString();
  ASSERT_EQ(mix->size(), 3u);
  EXPECT_EQ((*mix)[0], std::make_pair(ChannelKind::kWhatsApp, 3.0));
  EXPECT_EQ((*mix)[1], std::make_pair(ChannelKind::kWeb, 2.0));
  EXPECT_EQ((*mix)[2], std::make_pair(ChannelKind::kLine, 0.5));
  EXPECT_FALSE(ParseMix("sms=1").ok());
  EXPECT_FALSE(ParseMix("web").ok());
  EXPECT_FALSE(ParseMix("web=0").ok());
  EXPECT_FALSE(ParseMix("web=x").ok());
  EXPECT_FALSE(ParseMix("web=1,web=2").ok());
  EXPECT_FALSE(ParseMix("").ok());
}

TEST(TrafficTest, CreateRefusesImpossibleTraffic) {
  TrafficOptions o;
  o.mix = {{ChannelKind::kWeb, 1}};
  std::vector<ChannelEndpoint> only_line = {Channels()[static_cast<std::size_t>(ChannelKind::kLine)]};
  auto missing = TrafficModel::Create(only_line, o, "h:1");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no channel of that kind"), std::string::npos);

  TrafficOptions email_receipts;
  email_receipts.mix = {{ChannelKind::kEmail, 1}};
  email_receipts.receipts = 0.1;
  EXPECT_FALSE(TrafficModel::Create(Channels(), email_receipts, "h:1").ok());

  TrafficOptions too_much;
  too_much.duplicates = 0.6;
  too_much.receipts = 0.4;
  EXPECT_FALSE(TrafficModel::Create(Channels(), too_much, "h:1").ok());
  EXPECT_FALSE(TrafficModel::Create({}, TrafficOptions(), "h:1").ok());
}

TEST(TrafficTest, MessagesFollowTheMixAndCarryTheirSequenceNumber) {
  TrafficOptions o;
  o.mix = {{ChannelKind::kWhatsApp, 3}, {ChannelKind::kLine, 1}};
  o.customers = 200;
  o.run_id = 0x5eed;
  o.seed = 42;
  auto model = TrafficModel::Create(Channels(), o, "127.0.0.1:9");
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  std::map<std::string, int> paths;
  for (std::uint64_t i = 0; i < 4000; ++i) {
    PlannedRequest r = (*model)->Next(1795250848772);
    ASSERT_EQ(r.cls, RequestClass::kMessage);
    ASSERT_EQ(r.seq, i);
    ASSERT_NE(r.bytes->find(Marker(0x5eed, i)), std::string::npos);
    ASSERT_NE(r.bytes->find("Host: 127.0.0.1:9\r\n"), std::string::npos);
    ++paths[Path(*r.bytes)];
  }
  EXPECT_EQ((*model)->issued(), 4000u);
  ASSERT_EQ(paths.size(), 3u);  // whatsapp-1, and LINE spread over its two channels
  const int whatsapp = paths["/webhooks/whatsapp/whatsapp-1"];
  const int line = paths["/webhooks/line/line-1"] + paths["/webhooks/line/line-2"];
  EXPECT_EQ(whatsapp + line, 4000);
  // 3:1 within a few percent (the seed is fixed, so this is deterministic).
  EXPECT_NEAR(static_cast<double>(whatsapp) / 4000, 0.75, 0.04);
  EXPECT_NEAR(paths["/webhooks/line/line-1"], paths["/webhooks/line/line-2"], 0.15 * line);
}

TEST(TrafficTest, EachCustomerSendsItsMessagesThenIsReplaced) {
  TrafficOptions o;
  o.mix = {{ChannelKind::kWhatsApp, 1}};
  o.customers = 1;
  o.messages_per_session = 3;
  o.run_id = 7;
  auto model = TrafficModel::Create(Channels(), o, "h:1");
  ASSERT_TRUE(model.ok());
  std::vector<std::string> customers;
  for (int i = 0; i < 9; ++i) {
    PlannedRequest r = (*model)->Next(1795250848772);
    const std::size_t at = r.bytes->find("\"from\":\"") + 8;
    customers.push_back(r.bytes->substr(at, r.bytes->find('"', at) - at));
  }
  const std::string first = std::to_string((std::uint64_t{7} << 32) | 0);
  const std::string second = std::to_string((std::uint64_t{7} << 32) | 1);
  const std::string third = std::to_string((std::uint64_t{7} << 32) | 2);
  EXPECT_EQ(customers, (std::vector<std::string>{first, first, first, second, second, second, third, third, third}));
}

TEST(TrafficTest, DuplicatesRepeatAcknowledgedRequestsByteForByte) {
  TrafficOptions o;
  o.duplicates = 0.2;
  o.receipts = 0.1;
  o.customers = 50;
  o.seed = 9;
  o.duplicate_pool = 16;
  auto model = TrafficModel::Create(Channels(), o, "h:1");
  ASSERT_TRUE(model.ok());
  std::map<std::uint64_t, std::string> originals;
  std::map<RequestClass, int> classes;
  for (int i = 0; i < 5000; ++i) {
    PlannedRequest r = (*model)->Next(1795250848772);
    ++classes[r.cls];
    if (r.cls == RequestClass::kDuplicate) {
      ASSERT_TRUE(originals.contains(r.seq));
      ASSERT_EQ(*r.bytes, originals[r.seq]);
      continue;
    }
    ASSERT_FALSE(originals.contains(r.seq));
    originals[r.seq] = *r.bytes;
    if (r.cls == RequestClass::kReceipt) {
      EXPECT_NE(r.kind, ChannelKind::kEmail);
    }
    (*model)->Acknowledged(r);
  }
  EXPECT_NEAR(classes[RequestClass::kDuplicate] / 5000.0, 0.2, 0.03);
  EXPECT_NEAR(classes[RequestClass::kReceipt] / 5000.0, 0.1, 0.03);
  EXPECT_EQ((*model)->issued(), originals.size());
}

TEST(TrafficTest, NoDuplicateBeforeAnythingWasAcknowledged) {
  TrafficOptions o;
  o.duplicates = 0.9;
  auto model = TrafficModel::Create(Channels(), o, "h:1");
  ASSERT_TRUE(model.ok());
  for (int i = 0; i < 100; ++i) EXPECT_NE((*model)->Next(1795250848772).cls, RequestClass::kDuplicate);
}

TEST(TrafficTest, TheSameSeedGivesTheSameTraffic) {
  TrafficOptions o;
  o.seed = 1234;
  o.run_id = 99;
  o.receipts = 0.2;
  auto a = TrafficModel::Create(Channels(), o, "h:1");
  auto b = TrafficModel::Create(Channels(), o, "h:1");
  ASSERT_TRUE(a.ok() && b.ok());
  for (int i = 0; i < 200; ++i) ASSERT_EQ(*(*a)->Next(1795250848772).bytes, *(*b)->Next(1795250848772).bytes);
}

}  // namespace
}  // namespace routerd::loadgen
