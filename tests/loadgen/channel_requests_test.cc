// Each kind's request is built, then read back the way the provider's
// documentation describes it: the JSON bodies with simdjson, the form and the
// XML with small independent readers, and every signature re-derived over the
// exact bytes.
#include "bench/loadgen/channel_requests.h"
#include "bench/loadgen/text_literals.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "bench/loadgen/signing.h"

namespace routerd::loadgen {
namespace {

constexpr std::int64_t kNowMs = 1795250848772;

MessageSpec Spec() {
  MessageSpec s;
  s.provider_number = (std::uint64_t{0x1234abcd} << 32) | 42;
  s.customer_number = (std::uint64_t{0x1234abcd} << 32) | 7;
  s.customer_name = "Ana \"Lima\"";
  s.text = "Hi, I need help [lg:1234abcd:42]";
  s.now_unix_ms = kNowMs;
  return s;
}

ChannelEndpoint Channel(ChannelKind kind) {
  ChannelEndpoint c;
  c.tenant_id = "t";
  c.id = std::string(KindName(kind)) + "-main";
  c.kind = kind;
  c.secret = "s3cret-" + std::string(KindName(kind));
  return c;
}

std::string Header(const HttpRequestSpec& r, std::string_view name) {
  std::string found;
  int count = 0;
  for (const auto& [n, v] : r.headers) {
    if (n == name) {
      found = v;
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << name;
  return found;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::multimap<std::string, std::string> ParsePairs(std::string_view text) {
  std::multimap<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    const std::string_view item = text.substr(0, amp);
    const std::size_t eq = item.find('=');
    out.emplace(UrlDecode(item.substr(0, eq)), eq == std::string_view::npos ? "" : UrlDecode(item.substr(eq + 1)));
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
  }
  return out;
}

std::string One(const std::multimap<std::string, std::string>& m, const std::string& key) {
  EXPECT_EQ(m.count(key), 1u) << key;
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

// The text of <Name>, with a CDATA section unwrapped.
std::string XmlField(std::string_view xml, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const std::size_t a = xml.find(open);
  const std::size_t b = xml.find(close);
  if (a == std::string_view::npos || b == std::string_view::npos) return "<missing>";
  std::string_view v = xml.substr(a + open.size(), b - a - open.size());
  if (v.starts_with("<![CDATA[") && v.ends_with("]]>")) v = v.substr(9, v.size() - 12);
  return std::string(v);
}

class Json {
 public:
  explicit Json(const std::string& body) : doc_(parser_.parse(body)) {
    EXPECT_EQ(doc_.error(), simdjson::SUCCESS) << body;
  }
  simdjson::dom::element root() { return doc_.value(); }

 private:
  simdjson::dom::parser parser_;
  simdjson::simdjson_result<simdjson::dom::element> doc_;
};

std::string Str(simdjson::simdjson_result<simdjson::dom::element> e) {
  std::string_view v;
  EXPECT_EQ(e.get(v), simdjson::SUCCESS);
  return std::string(v);
}

TEST(ChannelRequestsTest, KindNamesRoundTrip) {
  for (ChannelKind k : kAllKinds) EXPECT_EQ(KindFromName(KindName(k)), k);
  EXPECT_FALSE(KindFromName("sms").has_value());
  EXPECT_FALSE(HasReceipts(ChannelKind::kEmail));
  EXPECT_TRUE(HasReceipts(ChannelKind::kWhatsApp));
}

TEST(ChannelRequestsTest, CustomerAndProviderIdsHaveTheProvidersShapes) {
  const MessageSpec s = Spec();
  EXPECT_EQ(CustomerIdFor(ChannelKind::kWeChat, 5), "oLg0000000000000000000000005");
  EXPECT_EQ(CustomerIdFor(ChannelKind::kWeChat, 5).size(), 28u);
  EXPECT_EQ(CustomerIdFor(ChannelKind::kWeb, 0x2a), "v-000000000000002a");
  EXPECT_EQ(CustomerIdFor(ChannelKind::kEmail, 0x2a), "customer.000000000000002a@mail.example.net");
  EXPECT_EQ(CustomerIdFor(ChannelKind::kLine, 1), "U00000000000000019e3779b97f4a7c14");
  EXPECT_EQ(CustomerIdFor(ChannelKind::kWhatsApp, 16505551234), "16505551234");
  EXPECT_EQ(ProviderIdFor(ChannelKind::kWeChat, s), "1311862288428302378");  // 0x1234abcd0000002a
  EXPECT_EQ(ProviderIdFor(ChannelKind::kEmail, s), "<lg.1234abcd0000002a@mail.example.net>");
  const std::string ulid = ProviderIdFor(ChannelKind::kLine, s);
  ASSERT_EQ(ulid.size(), 26u);
  EXPECT_LE(ulid[0], '7');
  EXPECT_EQ(ulid.find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos);
  // The first 10 characters are the millisecond time, as in any ULID.
  std::uint64_t ms = 0;
  for (int i = 0; i < 10; ++i) {
    ms = ms * 32 + static_cast<std::uint64_t>(std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(ulid[i]));
  }
  EXPECT_EQ(ms, static_cast<std::uint64_t>(kNowMs));
  EXPECT_TRUE(ProviderIdFor(ChannelKind::kWhatsApp, s).starts_with("wamid."));
  MessageSpec other = s;
  other.provider_number += 1;
  for (ChannelKind k : kAllKinds) EXPECT_NE(ProviderIdFor(k, s), ProviderIdFor(k, other)) << KindName(k);
}

TEST(ChannelRequestsTest, WhatsAppMessageAndStatusReceipt) {
  std::mt19937_64 rng(1);
  const ChannelEndpoint ch = Channel(ChannelKind::kWhatsApp);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(r.target, "/webhooks/whatsapp/whatsapp-main");
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_EQ(Header(r, "X-Hub-Signature-256"), "sha256=" + Hex(HmacSha256(ch.secret, r.body)));
  Json j(r.body);
  EXPECT_EQ(Str(j.root()["object"]), "whatsapp_business_account");
  auto value = j.root()["entry"].at(0)["changes"].at(0)["value"];
  EXPECT_EQ(Str(j.root()["entry"].at(0)["changes"].at(0)["field"]), "messages");
  auto m = value["messages"].at(0);
  EXPECT_EQ(Str(m["id"]), ProviderIdFor(ChannelKind::kWhatsApp, s));
  EXPECT_EQ(Str(m["from"]), CustomerIdFor(ChannelKind::kWhatsApp, s.customer_number));
  EXPECT_EQ(Str(m["timestamp"]), "1795250848");
  EXPECT_EQ(Str(m["type"]), "text");
  EXPECT_EQ(Str(m["text"]["body"]), s.text);
  EXPECT_EQ(Str(value["contacts"].at(0)["profile"]["name"]), s.customer_name);

  std::set<std::string> statuses;
  for (int i = 0; i < 30; ++i) {
    HttpRequestSpec receipt = BuildReceipt(ch, s, rng);
    EXPECT_EQ(Header(receipt, "X-Hub-Signature-256"), "sha256=" + Hex(HmacSha256(ch.secret, receipt.body)));
    Json jr(receipt.body);
    auto v = jr.root()["entry"].at(0)["changes"].at(0)["value"];
    EXPECT_EQ(v["messages"].error(), simdjson::NO_SUCH_FIELD);
    statuses.insert(Str(v["statuses"].at(0)["status"]));
    EXPECT_EQ(Str(v["statuses"].at(0)["recipient_id"]), CustomerIdFor(ChannelKind::kWhatsApp, s.customer_number));
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"delivered", "read", "sent"}));
}

TEST(ChannelRequestsTest, FacebookMessageAndReceipts) {
  std::mt19937_64 rng(2);
  const ChannelEndpoint ch = Channel(ChannelKind::kFacebook);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(Header(r, "X-Hub-Signature-256"), "sha256=" + Hex(HmacSha256(ch.secret, r.body)));
  EXPECT_EQ(Header(r, "X-Hub-Signature"), "sha1=" + Hex(HmacSha1(ch.secret, r.body)));
  Json j(r.body);
  EXPECT_EQ(Str(j.root()["object"]), "page");
  auto ev = j.root()["entry"].at(0)["messaging"].at(0);
  EXPECT_EQ(Str(ev["sender"]["id"]), CustomerIdFor(ChannelKind::kFacebook, s.customer_number));
  EXPECT_EQ(Str(ev["message"]["mid"]), ProviderIdFor(ChannelKind::kFacebook, s));
  EXPECT_EQ(Str(ev["message"]["text"]), s.text);
  std::int64_t ts = 0;
  ASSERT_EQ(ev["timestamp"].get(ts), simdjson::SUCCESS);
  EXPECT_EQ(ts, kNowMs);

  std::set<std::string> kinds;
  for (int i = 0; i < 30; ++i) {
    HttpRequestSpec receipt = BuildReceipt(ch, s, rng);
    Json jr(receipt.body);
    auto e = jr.root()["entry"].at(0)["messaging"].at(0);
    if (e["message"].error() == simdjson::SUCCESS) {
      bool echo = false;
      ASSERT_EQ(e["message"]["is_echo"].get(echo), simdjson::SUCCESS);
      EXPECT_TRUE(echo);
      EXPECT_EQ(Str(e["sender"]["id"]), Str(jr.root()["entry"].at(0)["id"]));  // the page itself
      kinds.insert("echo");
    } else if (e["delivery"].error() == simdjson::SUCCESS) {
      kinds.insert("delivery");
    } else {
      ASSERT_EQ(e["read"].error(), simdjson::SUCCESS);
      kinds.insert("read");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"delivery", "echo", "read"}));
}

TEST(ChannelRequestsTest, LineMessageAndReceipts) {
  std::mt19937_64 rng(3);
  const ChannelEndpoint ch = Channel(ChannelKind::kLine);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(Header(r, "x-line-signature"), Base64(HmacSha256(ch.secret, r.body)));
  Json j(r.body);
  const std::string destination = Str(j.root()["destination"]);
  EXPECT_EQ(destination.size(), 33u);
  auto e = j.root()["events"].at(0);
  EXPECT_EQ(Str(e["type"]), "message");
  EXPECT_EQ(Str(e["mode"]), "active");
  EXPECT_EQ(Str(e["webhookEventId"]), ProviderIdFor(ChannelKind::kLine, s));
  EXPECT_EQ(Str(e["source"]["userId"]), CustomerIdFor(ChannelKind::kLine, s.customer_number));
  EXPECT_EQ(Str(e["message"]["text"]), s.text);
  bool redelivery = true;
  ASSERT_EQ(e["deliveryContext"]["isRedelivery"].get(redelivery), simdjson::SUCCESS);
  EXPECT_FALSE(redelivery);

  std::set<std::string> kinds;
  for (int i = 0; i < 20; ++i) {
    HttpRequestSpec receipt = BuildReceipt(ch, s, rng);
    EXPECT_EQ(Header(receipt, "x-line-signature"), Base64(HmacSha256(ch.secret, receipt.body)));
    Json jr(receipt.body);
    simdjson::dom::array events;
    ASSERT_EQ(jr.root()["events"].get(events), simdjson::SUCCESS);
    if (events.size() == 0) {
      kinds.insert("verify");
    } else {
      EXPECT_EQ(Str(events.at(0)["type"]), "delivery");
      kinds.insert("delivery");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"delivery", "verify"}));
}

TEST(ChannelRequestsTest, XDirectMessageAndReceipts) {
  std::mt19937_64 rng(4);
  const ChannelEndpoint ch = Channel(ChannelKind::kX);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(Header(r, "x-twitter-webhooks-signature"), "sha256=" + Base64(HmacSha256(ch.secret, r.body)));
  Json j(r.body);
  const std::string own = Str(j.root()["for_user_id"]);
  auto e = j.root()["direct_message_events"].at(0);
  EXPECT_EQ(Str(e["type"]), "message_create");
  EXPECT_EQ(Str(e["id"]), ProviderIdFor(ChannelKind::kX, s));
  EXPECT_EQ(Str(e["created_timestamp"]), std::to_string(kNowMs));
  const std::string sender = Str(e["message_create"]["sender_id"]);
  EXPECT_EQ(sender, CustomerIdFor(ChannelKind::kX, s.customer_number));
  EXPECT_NE(sender, own);
  EXPECT_EQ(Str(e["message_create"]["target"]["recipient_id"]), own);
  EXPECT_EQ(Str(e["message_create"]["message_data"]["text"]), s.text);
  EXPECT_EQ(Str(j.root()["users"][sender]["name"]), s.customer_name);

  std::set<std::string> kinds;
  for (int i = 0; i < 20; ++i) {
    HttpRequestSpec receipt = BuildReceipt(ch, s, rng);
    Json jr(receipt.body);
    auto dm = jr.root()["direct_message_events"];
    if (dm.error() == simdjson::SUCCESS) {
      // Our own DM, echoed: sender is the subscribed account.
      EXPECT_EQ(Str(dm.at(0)["message_create"]["sender_id"]), Str(jr.root()["for_user_id"]));
      kinds.insert("echo");
    } else {
      ASSERT_EQ(jr.root()["direct_message_mark_read_events"].error(), simdjson::SUCCESS);
      kinds.insert("read");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"echo", "read"}));
}

TEST(ChannelRequestsTest, WebEventIsSignedOverTimestampAndBody) {
  std::mt19937_64 rng(5);
  const ChannelEndpoint ch = Channel(ChannelKind::kWeb);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(r.target, "/webhooks/web/web-main");
  const std::string ts = Header(r, "X-Routerd-Timestamp");
  EXPECT_EQ(ts, "1795250848");
  EXPECT_EQ(Header(r, "X-Routerd-Signature"), "sha256=" + Hex(HmacSha256(ch.secret, ts + "." + r.body)));
  Json j(r.body);
  EXPECT_EQ(Str(j.root()["event_id"]), ProviderIdFor(ChannelKind::kWeb, s));
  EXPECT_EQ(Str(j.root()["type"]), "message");
  EXPECT_EQ(Str(j.root()["visitor"]["id"]), CustomerIdFor(ChannelKind::kWeb, s.customer_number));
  EXPECT_EQ(Str(j.root()["visitor"]["name"]), s.customer_name);
  EXPECT_EQ(Str(j.root()["text"]), s.text);
  std::int64_t sent_at = 0;
  ASSERT_EQ(j.root()["sent_at"].get(sent_at), simdjson::SUCCESS);
  EXPECT_EQ(sent_at, kNowMs);

  for (int i = 0; i < 10; ++i) {
    HttpRequestSpec receipt = BuildReceipt(ch, s, rng);
    Json jr(receipt.body);
    const std::string type = Str(jr.root()["type"]);
    EXPECT_TRUE(type == "read" || type == "typing") << type;
  }
}

TEST(ChannelRequestsTest, EmailIsAMailgunFormWithASignedToken) {
  std::mt19937_64 rng(6);
  const ChannelEndpoint ch = Channel(ChannelKind::kEmail);
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(Header(r, "Content-Type"), "application/x-www-form-urlencoded");
  const auto form = ParsePairs(r.body);
  const std::string timestamp = One(form, "timestamp");
  const std::string token = One(form, "token");
  EXPECT_EQ(timestamp, "1795250848");
  EXPECT_EQ(token.size(), 50u);
  EXPECT_EQ(One(form, "signature"), Hex(HmacSha256(ch.secret, timestamp + token)));
  EXPECT_EQ(One(form, "Message-Id"), ProviderIdFor(ChannelKind::kEmail, s));
  EXPECT_EQ(One(form, "body-plain"), s.text);
  EXPECT_EQ(One(form, "sender"), CustomerIdFor(ChannelKind::kEmail, s.customer_number));
  EXPECT_EQ(One(form, "from"), s.customer_name + " <" + CustomerIdFor(ChannelKind::kEmail, s.customer_number) + ">");
  Json headers(One(form, "message-headers"));
  simdjson::dom::array list;
  ASSERT_EQ(headers.root().get(list), simdjson::SUCCESS);
  bool found = false;
  for (auto pair : list) found |= Str(pair.at(0)) == "Message-Id" && Str(pair.at(1)) == One(form, "Message-Id");
  EXPECT_TRUE(found);
}

TEST(ChannelRequestsTest, WeChatPlainModeSignsTheQuery) {
  std::mt19937_64 rng(7);
  ChannelEndpoint ch = Channel(ChannelKind::kWeChat);
  ch.wechat_app_id = "wx0123456789abcdef";
  const MessageSpec s = Spec();
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_EQ(Header(r, "Content-Type"), "text/xml");
  const std::size_t q = r.target.find('?');
  ASSERT_NE(q, std::string::npos);
  EXPECT_EQ(r.target.substr(0, q), "/webhooks/wechat/wechat-main");
  const auto query = ParsePairs(r.target.substr(q + 1));
  EXPECT_EQ(query.count("encrypt_type"), 0u);
  EXPECT_EQ(One(query, "timestamp"), "1795250848");
  EXPECT_EQ(One(query, "signature"), Hex(Sha1(  // sorted: the timestamp and nonce are digits, the token is not
                                         One(query, "nonce") < One(query, "timestamp")
                                             ? One(query, "nonce") + One(query, "timestamp") + ch.secret
                                             : One(query, "timestamp") + One(query, "nonce") + ch.secret)));
  EXPECT_EQ(One(query, "openid"), CustomerIdFor(ChannelKind::kWeChat, s.customer_number));
  EXPECT_EQ(XmlField(r.body, "MsgType"), "text");
  EXPECT_EQ(XmlField(r.body, "Content"), s.text);
  EXPECT_EQ(XmlField(r.body, "MsgId"), ProviderIdFor(ChannelKind::kWeChat, s));
  EXPECT_EQ(XmlField(r.body, "FromUserName"), CustomerIdFor(ChannelKind::kWeChat, s.customer_number));
  EXPECT_EQ(XmlField(r.body, "CreateTime"), "1795250848");
}

TEST(ChannelRequestsTest, WeChatSafeModeEncryptsForTheAppAndSignsTheCiphertext) {
  std::mt19937_64 rng(8);
  ChannelEndpoint ch = Channel(ChannelKind::kWeChat);
  ch.wechat_app_id = "wx49f0ab532d5d035a";
  ch.wechat_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
  const MessageSpec s = Spec();
  for (bool receipt : {false, true}) {
    HttpRequestSpec r = receipt ? BuildReceipt(ch, s, rng) : BuildMessage(ch, s, rng);
    const auto query = ParsePairs(r.target.substr(r.target.find('?') + 1));
    EXPECT_EQ(One(query, "encrypt_type"), "aes");
    const std::string encrypt = XmlField(r.body, "Encrypt");
    EXPECT_EQ(One(query, "msg_signature"),
              WeChatMsgSignature(ch.secret, One(query, "timestamp"), One(query, "nonce"), encrypt));
    auto plain = WeChatDecrypt(ch.wechat_aes_key, encrypt);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(plain->app_id, ch.wechat_app_id);
    if (receipt) {
      EXPECT_EQ(XmlField(plain->xml, "MsgType"), "event");
    } else {
      EXPECT_EQ(XmlField(plain->xml, "Content"), s.text);
      EXPECT_EQ(XmlField(plain->xml, "MsgId"), ProviderIdFor(ChannelKind::kWeChat, s));
    }
  }
}

TEST(ChannelRequestsTest, CDataThatContainsItsTerminatorIsSplit) {
  std::mt19937_64 rng(9);
  ChannelEndpoint ch = Channel(ChannelKind::kWeChat);
  MessageSpec s = Spec();
  s.text = "a]]>b";
  HttpRequestSpec r = BuildMessage(ch, s, rng);
  EXPECT_NE(r.body.find("<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>"), std::string::npos) << r.body;
}

TEST(ChannelRequestsTest, SerializeWritesAKeepAliveRequestWithContentLength) {
  HttpRequestSpec r;
  r.target = "/webhooks/line/l?x=1";
  r.headers = {{"Content-Type", "application/json"}, {"x-line-signature", "abc="}};
  r.body = "{\"events\":[]}";
  EXPECT_EQ(SerializeRequest(r, "127.0.0.1:8080"),
            "POST /webhooks/line/l?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
            "x-line-signature: abc=\r\nContent-Length: 13\r\n\r\n{\"events\":[]}");
}

TEST(ChannelRequestsTest, JsonQuoteEscapes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

}  // namespace
}  // namespace routerd::loadgen
