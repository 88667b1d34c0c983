#include "tests/integration/provider_requests.h"

#include <atomic>

#include "tests/integration/signing.h"

namespace routerd::integration {
namespace {

ProviderRequest JsonPost(std::string_view kind, std::string_view channel, std::string body,
                         std::string_view signature_header, std::string signature) {
  ProviderRequest r;
  r.target = WebhookPath(kind, channel);
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}, {std::string(signature_header), std::move(signature)}};
  return r;
}

}  // namespace

std::string WebhookPath(std::string_view kind, std::string_view channel, std::string_view query) {
  std::string path = "/webhooks/";
  path.append(kind).append("/").append(channel);
  if (!query.empty()) path.append("?").append(query);
  return path;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string WhatsAppTextBody(const std::vector<WhatsAppText>& messages) {
  std::string contacts, items;
  for (const WhatsAppText& m : messages) {
    if (!contacts.empty()) contacts += ",";
    contacts += "{\"profile\":{\"name\":" + JsonString(m.name) + "},\"wa_id\":" + JsonString(m.from) + "}";
    if (!items.empty()) items += ",";
    items += "{\"from\":" + JsonString(m.from) + ",\"id\":" + JsonString(m.id) +
             ",\"timestamp\":\"1749416383\",\"type\":\"text\",\"text\":{\"body\":" + JsonString(m.text) + "}}";
  }
  return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"value\":"
         "{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\","
         "\"phone_number_id\":\"106540352242922\"},\"contacts\":[" +
         contacts + "],\"messages\":[" + items + "]},\"field\":\"messages\"}]}]}";
}

ProviderRequest WhatsAppPost(std::string body, std::string_view app_secret) {
  std::string signature = MetaSignature(app_secret, body);
  return JsonPost("whatsapp", kWhatsAppChannel, std::move(body), "X-Hub-Signature-256", std::move(signature));
}

std::string MessengerTextBody(const std::vector<MessengerText>& messages) {
  std::string entries;
  for (const MessengerText& m : messages) {
    const std::string ts = std::to_string(m.timestamp_ms);
    if (!entries.empty()) entries += ",";
    entries += "{\"id\":\"682498302938465\",\"time\":" + ts + ",\"messaging\":[{\"sender\":{\"id\":" +
               JsonString(m.sender) + "},\"recipient\":{\"id\":\"682498302938465\"},\"timestamp\":" + ts +
               ",\"message\":{\"mid\":" + JsonString(m.mid) + ",\"text\":" + JsonString(m.text) + "}}]}";
  }
  return "{\"object\":\"page\",\"entry\":[" + entries + "]}";
}

ProviderRequest FacebookPost(std::string body, std::string_view app_secret) {
  std::string signature = MetaSignature(app_secret, body);
  return JsonPost("facebook", kFacebookChannel, std::move(body), "X-Hub-Signature-256", std::move(signature));
}

std::string LineTextBody(const std::vector<LineText>& events) {
  std::string items;
  for (const LineText& e : events) {
    if (!items.empty()) items += ",";
    items += "{\"replyToken\":\"r\",\"type\":\"message\",\"mode\":\"active\",\"timestamp\":1718000000001,"
             "\"source\":{\"type\":\"user\",\"userId\":" +
             JsonString(e.user_id) + "},\"webhookEventId\":" + JsonString(e.webhook_event_id) +
             ",\"deliveryContext\":{\"isRedelivery\":false},\"message\":{\"id\":\"1\",\"type\":\"text\",\"text\":" +
             JsonString(e.text) + "}}";
  }
  return "{\"destination\":\"U0123456789abcdef0123456789abcdef\",\"events\":[" + items + "]}";
}

ProviderRequest LinePost(std::string body, std::string_view channel_secret) {
  std::string signature = LineSignature(channel_secret, body);
  return JsonPost("line", kLineChannel, std::move(body), "x-line-signature", std::move(signature));
}

std::string XDmBody(const std::vector<XDm>& events) {
  std::string items, users;
  for (const XDm& e : events) {
    if (!items.empty()) items += ",";
    items += "{\"type\":\"message_create\",\"id\":" + JsonString(e.id) +
             ",\"created_timestamp\":\"1700000000123\",\"message_create\":{\"target\":{\"recipient_id\":\"" +
             std::string(kXOwnAccount) + "\"},\"sender_id\":" + JsonString(e.sender_id) +
             ",\"message_data\":{\"text\":" + JsonString(e.text) + "}}}";
    if (!users.empty()) users += ",";
    users += JsonString(e.sender_id) + ":{\"id\":" + JsonString(e.sender_id) + ",\"name\":" + JsonString(e.name) + "}";
  }
  return "{\"for_user_id\":\"" + std::string(kXOwnAccount) + "\",\"direct_message_events\":[" + items +
         "],\"users\":{" + users + "}}";
}

ProviderRequest XPost(std::string body, std::string_view consumer_secret) {
  std::string signature = XSignature(consumer_secret, body);
  return JsonPost("x", kXChannel, std::move(body), "x-twitter-webhooks-signature", std::move(signature));
}

std::string WebEventBody(std::string_view event_id, std::string_view type, std::string_view visitor_id,
                         std::string_view visitor_name, std::string_view text) {
  return "{\"event_id\":" + JsonString(event_id) + ",\"type\":" + JsonString(type) +
         ",\"visitor\":{\"id\":" + JsonString(visitor_id) + ",\"name\":" + JsonString(visitor_name) +
         "},\"text\":" + JsonString(text) + ",\"sent_at\":1718000000123,\"page_url\":\"https://shop.example/\"}";
}

ProviderRequest WebPost(std::string body, std::int64_t timestamp_seconds, std::string_view secret) {
  const std::string timestamp = std::to_string(timestamp_seconds != 0 ? timestamp_seconds : NowUnixSeconds());
  ProviderRequest r;
  r.target = WebhookPath("web", kWebChannel);
  r.headers = {{"Content-Type", "application/json"},
               {"X-Routerd-Timestamp", timestamp},
               {"X-Routerd-Signature", WebSignature(secret, timestamp, body)}};
  r.body = std::move(body);
  return r;
}

FormFields EmailFields(std::string_view from, std::string_view subject, std::string_view body_plain,
                       std::string_view message_id) {
  return {{"recipient", "support@help.acme.test"},
          {"sender", "bounces@example.com"},
          {"from", std::string(from)},
          {"subject", std::string(subject)},
          {"body-plain", std::string(body_plain)},
          {"Message-Id", std::string(message_id)}};
}

ProviderRequest EmailPost(const FormFields& fields, std::string_view token, std::int64_t timestamp_seconds,
                          std::string_view signing_key) {
  const std::string timestamp = std::to_string(timestamp_seconds != 0 ? timestamp_seconds : NowUnixSeconds());
  FormFields all = fields;
  all.emplace_back("timestamp", timestamp);
  all.emplace_back("token", std::string(token));
  all.emplace_back("signature", MailgunSignature(signing_key, timestamp, token));
  ProviderRequest r;
  r.target = WebhookPath("email", kEmailChannel);
  for (const auto& [name, value] : all) {
    if (!r.body.empty()) r.body += "&";
    r.body += UrlEncode(name) + "=" + UrlEncode(value);
  }
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  return r;
}

std::string WeChatTextXml(std::string_view from_user, std::string_view msg_id, std::string_view content) {
  return "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[" +
         std::string(from_user) + "]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]>"
         "</MsgType><Content><![CDATA[" + std::string(content) + "]]></Content><MsgId>" + std::string(msg_id) +
         "</MsgId></xml>";
}

ProviderRequest WeChatPlainPost(std::string_view channel, std::string xml, std::string_view token,
                                std::string_view given_nonce) {
  static std::atomic<std::uint64_t> next_nonce{1514711492};
  const std::string nonce = given_nonce.empty() ? std::to_string(next_nonce.fetch_add(1)) : std::string(given_nonce);
  const std::string timestamp = std::to_string(NowUnixSeconds());
  ProviderRequest r;
  r.target = WebhookPath("wechat", channel) + "?signature=" + WeChatSignature(token, timestamp, nonce) +
             "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
  r.headers = {{"Content-Type", "text/xml"}};
  r.body = std::move(xml);
  return r;
}

ProviderRequest WeChatSafePost(std::string_view channel, std::string_view xml, std::string_view token,
                               std::string_view aes_key, std::string_view app_id, std::string_view nonce) {
  const std::string timestamp = std::to_string(NowUnixSeconds());
  const std::string encrypt = WeChatEncrypt(aes_key, app_id, xml, "0123456789abcdef");
  ProviderRequest r;
  // WeChat sends the plain signature too; in safe mode msg_signature is the one that counts.
  r.target = WebhookPath("wechat", channel) + "?signature=" + WeChatSignature(token, timestamp, nonce) +
             "&timestamp=" + timestamp + "&nonce=" + std::string(nonce) +
             "&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o&encrypt_type=aes&msg_signature=" +
             WeChatMsgSignature(token, timestamp, nonce, encrypt);
  r.headers = {{"Content-Type", "text/xml"}};
  r.body = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[" + encrypt +
           "]]></Encrypt></xml>";
  return r;
}

}  // namespace routerd::integration
