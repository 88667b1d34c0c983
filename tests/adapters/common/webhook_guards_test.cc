#include "common/webhook_guards.h"

#include <gtest/gtest.h>

#include <string>

#include "common/event_names.h"
#include "common/json.h"
#include "common/parsed_batch.h"
#include "common/text.h"

namespace routerd::adapters {
namespace {

TEST(CheckJsonPostTest, ContentTypeAndSize) {
  WebhookRequest r;
  r.method = "POST";
  r.body = "{}";
  r.content_type = "application/json; charset=utf-8";
  EXPECT_FALSE(CheckJsonPost(r).has_value());
  r.content_type = "text/plain";
  auto bad_type = CheckJsonPost(r);
  ASSERT_TRUE(bad_type.has_value());
  EXPECT_EQ(bad_type->response.status, 415);
  EXPECT_EQ(bad_type->rejection, WebhookRejection::kUnsupportedMedia);
  r.content_type = "";
  EXPECT_EQ(CheckJsonPost(r)->response.status, 415);
  std::string big(kMaxJsonBodyBytes + 1, ' ');
  r.content_type = "application/json";
  r.body = big;
  auto too_big = CheckJsonPost(r);
  ASSERT_TRUE(too_big.has_value());
  EXPECT_EQ(too_big->response.status, 413);
  EXPECT_EQ(too_big->rejection, WebhookRejection::kMalformed);
}

TEST(RejectionsTest, MethodSignatureMalformed) {
  WebhookOutcome m = MethodNotAllowed("POST");
  EXPECT_EQ(m.response.status, 405);
  EXPECT_EQ(m.rejection, WebhookRejection::kMethod);
  ASSERT_EQ(m.response.headers.size(), 1u);
  EXPECT_EQ(m.response.headers[0].first, "Allow");
  EXPECT_EQ(m.response.headers[0].second, "POST");
  WebhookOutcome s = BadSignature("missing signature header");
  EXPECT_EQ(s.response.status, 401);
  EXPECT_EQ(s.rejection, WebhookRejection::kBadSignature);
  EXPECT_EQ(s.response.body, R"({"error":"bad_signature","detail":"missing signature header"})");
  WebhookOutcome b = Malformed(Status::InvalidArgument("field 'x' is required"));
  EXPECT_EQ(b.response.status, 400);
  EXPECT_EQ(b.rejection, WebhookRejection::kMalformed);
  EXPECT_EQ(b.response.body, R"({"error":"malformed","detail":"field 'x' is required"})");
}

TEST(AcceptTest, StampsIdentityOnEveryContact) {
  ParsedBatch batch;
  batch.contacts.resize(2);
  batch.contacts[0].customer_id = "c1";
  batch.leave_messages.resize(1);
  batch.ignored.push_back("status");
  ChannelIdentity identity{"tenant-a", "wa-main", "whatsapp"};
  WebhookOutcome o = Accept(std::move(batch), identity, "whatsapp", 1234, WebhookResponse{});
  EXPECT_EQ(o.rejection, WebhookRejection::kNone);
  EXPECT_EQ(o.response.status, 200);
  ASSERT_EQ(o.contacts.size(), 2u);
  ASSERT_EQ(o.leave_messages.size(), 1u);
  for (const Contact* c : {&o.contacts[0], &o.contacts[1], &o.leave_messages[0]}) {
    EXPECT_EQ(c->tenant_id, "tenant-a");
    EXPECT_EQ(c->channel_kind, "whatsapp");
    EXPECT_EQ(c->channel_id, "wa-main");
    EXPECT_EQ(c->received_at_ms, 1234);
  }
  EXPECT_EQ(o.contacts[0].customer_id, "c1");
  ASSERT_EQ(o.ignored.size(), 1u);
  EXPECT_EQ(o.ignored[0], "status");
}

TEST(StaticNameTest, ReturnsStaticEntryOrFallback) {
  std::string dynamic = "follow";
  std::string_view name = StaticName(dynamic, {"follow", "unfollow"}, "unknown_event");
  EXPECT_EQ(name, "follow");
  EXPECT_NE(name.data(), dynamic.data());  // not a view into the input
  EXPECT_EQ(StaticName("other", {"follow"}, "unknown_event"), "unknown_event");
}

TEST(GeoUriTest, ShortestRoundTrip) {
  EXPECT_EQ(GeoUri(35.65910807942215, 139.70372892916203), "geo:35.65910807942215,139.70372892916203");
  EXPECT_EQ(GeoUri(-33.5, 0), "geo:-33.5,0");
}

}  // namespace
}  // namespace routerd::adapters
