#include "bench/loadgen/channel_requests.h"

#include "bench/loadgen/id_format.h"
#include "bench/loadgen/signing.h"
#include "bench/loadgen/text_literals.h"

namespace routerd::loadgen {
namespace {

// Our own account on each provider. The daemon routes on the channel id in the
// URL, so these only have to look like the provider's.
constexpr std::string_view kWeChatOriginalId = "gh_3f2a9c1b7d40";
constexpr std::string_view kXOwnAccount = "3805104374";
constexpr std::string_view kWhatsAppBusinessAccount = "102290129340398";
constexpr std::string_view kWhatsAppPhoneNumberId = "106540352242922";
constexpr std::string_view kWhatsAppDisplayNumber = "15550783881";
constexpr std::string_view kFacebookPageId = "682498302938465";
constexpr std::string_view kFacebookAppId = "1517776481860111";
constexpr std::string_view kLineDestination = "U4af4980629a1b2c3d4e5f60718293a4b";
constexpr std::string_view kEmailRecipient = "support@help.example.com";

std::string RandomAlnum(std::mt19937_64& rng, std::size_t n) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out(n, 'a');
  for (char& c : out) c = kChars[rng() % 36];
  return out;
}

std::string RandomBytes(std::mt19937_64& rng, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string Path(const ChannelEndpoint& channel) {
  std::string path = "/webhooks/";
  path.append(KindName(channel.kind)).append("/").append(channel.id);
  return path;
}

HttpRequestSpec JsonPost(const ChannelEndpoint& channel, std::string body) {
  HttpRequestSpec r;
  r.target = Path(channel);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

// ---- WeChat ------------------------------------------------------------------

HttpRequestSpec WeChatPost(const ChannelEndpoint& channel, const std::string& xml, std::int64_t now_ms,
                           const std::string& openid, std::mt19937_64& rng) {
  const std::string timestamp = Decimal(static_cast<std::uint64_t>(now_ms / 1000));
  const std::string nonce = Decimal(rng() % 9000000000ULL + 1000000000ULL);
  HttpRequestSpec r;
  r.headers.emplace_back("Content-Type", "text/xml");
  r.target = Path(channel) + "?signature=" + WeChatSignature(channel.secret, timestamp, nonce) +
             "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid=" + openid;
  if (channel.wechat_aes_key.empty()) {
    r.body = xml;
    return r;
  }
  auto encrypt = WeChatEncrypt(channel.wechat_aes_key, channel.wechat_app_id, xml, RandomBytes(rng, 16));
  // The config reader checks the key, so this cannot fail for a configured
  // channel; if it did, the empty Encrypt makes routerd refuse the request and
  // the run reports it as an error rather than hiding it.
  const std::string e = encrypt.ok() ? *encrypt : std::string();
  r.target += "&encrypt_type=aes&msg_signature=" + WeChatMsgSignature(channel.secret, timestamp, nonce, e);
  r.body = "<xml><ToUserName>" + CData(kWeChatOriginalId) + "</ToUserName><Encrypt>" + CData(e) +
           "</Encrypt></xml>";
  return r;
}

HttpRequestSpec WeChatMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const std::string openid = CustomerIdFor(ChannelKind::kWeChat, spec.customer_number);
  const std::string xml = "<xml><ToUserName>" + CData(kWeChatOriginalId) + "</ToUserName><FromUserName>" +
                          CData(openid) + "</FromUserName><CreateTime>" + Decimal(spec.now_unix_ms / 1000) +
                          "</CreateTime><MsgType>" + CData("text") + "</MsgType><Content>" + CData(spec.text) +
                          "</Content><MsgId>" + ProviderIdFor(ChannelKind::kWeChat, spec) + "</MsgId></xml>";
  return WeChatPost(channel, xml, spec.now_unix_ms, openid, rng);
}

HttpRequestSpec WeChatReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const std::string openid = CustomerIdFor(ChannelKind::kWeChat, spec.customer_number);
  std::string xml = "<xml><ToUserName>" + CData(kWeChatOriginalId) + "</ToUserName><FromUserName>" +
                    CData(openid) + "</FromUserName><CreateTime>" + Decimal(spec.now_unix_ms / 1000) +
                    "</CreateTime><MsgType>" + CData("event") + "</MsgType>";
  if (rng() % 2 == 0) {
    // The delivery report of a template message we sent.
    xml += "<Event>" + CData("TEMPLATESENDJOBFINISH") + "</Event><MsgID>" +
           ProviderIdFor(ChannelKind::kWeChat, spec) + "</MsgID><Status>" + CData("success") + "</Status>";
  } else {
    xml += "<Event>" + CData("VIEW") + "</Event><EventKey>" + CData("https://shop.example/orders") + "</EventKey>";
  }
  xml += "</xml>";
  return WeChatPost(channel, xml, spec.now_unix_ms, openid, rng);
}

// ---- Web widget --------------------------------------------------------------

HttpRequestSpec WebPost(const ChannelEndpoint& channel, std::string body, std::int64_t now_ms) {
  const std::string timestamp = Decimal(static_cast<std::uint64_t>(now_ms / 1000));
  HttpRequestSpec r = JsonPost(channel, std::move(body));
  r.headers.emplace_back("X-Routerd-Timestamp", timestamp);
  r.headers.emplace_back("X-Routerd-Signature", WebSignature(channel.secret, timestamp, r.body));
  return r;
}

HttpRequestSpec WebMessage(const ChannelEndpoint& channel, const MessageSpec& spec) {
  std::string body = "{\"event_id\":" + JsonQuote(ProviderIdFor(ChannelKind::kWeb, spec)) +
                     ",\"type\":\"message\",\"visitor\":{\"id\":" +
                     JsonQuote(CustomerIdFor(ChannelKind::kWeb, spec.customer_number)) +
                     ",\"name\":" + JsonQuote(spec.customer_name) + "},\"text\":" + JsonQuote(spec.text) +
                     ",\"sent_at\":" + Decimal(spec.now_unix_ms) +
                     ",\"page_url\":\"https://shop.example/checkout\"}";
  return WebPost(channel, std::move(body), spec.now_unix_ms);
}

HttpRequestSpec WebReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const char* type = rng() % 2 == 0 ? "read" : "typing";
  std::string body = "{\"event_id\":" + JsonQuote(ProviderIdFor(ChannelKind::kWeb, spec)) + ",\"type\":\"" + type +
                     "\",\"visitor\":{\"id\":" + JsonQuote(CustomerIdFor(ChannelKind::kWeb, spec.customer_number)) +
                     "},\"sent_at\":" + Decimal(spec.now_unix_ms) + "}";
  return WebPost(channel, std::move(body), spec.now_unix_ms);
}

// ---- X Account Activity ---------------------------------------------------------

std::string XUsers(const std::string& customer, const std::string& name) {
  return ",\"users\":{" + JsonQuote(customer) + ":{\"id\":" + JsonQuote(customer) + ",\"name\":" + JsonQuote(name) +
         ",\"screen_name\":" + JsonQuote("lg_" + customer.substr(customer.size() > 8 ? customer.size() - 8 : 0)) +
         "},\"" + std::string(kXOwnAccount) + "\":{\"id\":\"" + std::string(kXOwnAccount) +
         "\",\"name\":\"Example Support\",\"screen_name\":\"examplesupport\"}}}";
}

std::string XDmEvent(const MessageSpec& spec, std::string_view sender, std::string_view recipient) {
  return "{\"type\":\"message_create\",\"id\":" + JsonQuote(ProviderIdFor(ChannelKind::kX, spec)) +
         ",\"created_timestamp\":\"" + Decimal(spec.now_unix_ms) +
         "\",\"message_create\":{\"target\":{\"recipient_id\":" + JsonQuote(recipient) +
         "},\"sender_id\":" + JsonQuote(sender) + ",\"source_app_id\":\"268278\",\"message_data\":{\"text\":" +
         JsonQuote(spec.text) +
         ",\"entities\":{\"hashtags\":[],\"symbols\":[],\"user_mentions\":[],\"urls\":[]}}}}";
}

HttpRequestSpec XPost(const ChannelEndpoint& channel, std::string body) {
  HttpRequestSpec r = JsonPost(channel, std::move(body));
  r.headers.emplace_back("x-twitter-webhooks-signature", XSignature(channel.secret, r.body));
  return r;
}

HttpRequestSpec XMessage(const ChannelEndpoint& channel, const MessageSpec& spec) {
  const std::string customer = CustomerIdFor(ChannelKind::kX, spec.customer_number);
  return XPost(channel, "{\"for_user_id\":\"" + std::string(kXOwnAccount) + "\",\"direct_message_events\":[" +
                            XDmEvent(spec, customer, kXOwnAccount) +
                            "],\"apps\":{\"268278\":{\"id\":\"268278\",\"name\":\"Twitter Web Client\","
                            "\"url\":\"http://twitter.com\"}}" +
                            XUsers(customer, spec.customer_name));
}

HttpRequestSpec XReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const std::string customer = CustomerIdFor(ChannelKind::kX, spec.customer_number);
  const std::string head = "{\"for_user_id\":\"" + std::string(kXOwnAccount) + "\"";
  if (rng() % 2 == 0) {
    // A DM our own account sent (an agent's reply), echoed back by AAA.
    return XPost(channel, head + ",\"direct_message_events\":[" + XDmEvent(spec, kXOwnAccount, customer) + "]" +
                              XUsers(customer, spec.customer_name));
  }
  return XPost(channel, head + ",\"direct_message_mark_read_events\":[{\"created_timestamp\":\"" +
                            Decimal(spec.now_unix_ms) + "\",\"sender_id\":" + JsonQuote(customer) +
                            ",\"target\":{\"recipient_id\":\"" + std::string(kXOwnAccount) +
                            "\"},\"last_read_event_id\":" + JsonQuote(ProviderIdFor(ChannelKind::kX, spec)) + "}]" +
                            XUsers(customer, spec.customer_name));
}

// ---- Email (Mailgun route forward, urlencoded) ------------------------------------

HttpRequestSpec EmailMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const std::string address = CustomerIdFor(ChannelKind::kEmail, spec.customer_number);
  const std::string from = spec.customer_name + " <" + address + ">";
  const std::string message_id = ProviderIdFor(ChannelKind::kEmail, spec);
  const std::string subject = "Question about my order";
  const std::string timestamp = Decimal(static_cast<std::uint64_t>(spec.now_unix_ms / 1000));
  const std::string token = RandomAlnum(rng, 50);
  const std::string headers = "[[\"Received\",\"by mxa.mailgun.org with SMTP\"],[\"From\"," + JsonQuote(from) +
                              "],[\"To\",\"" + std::string(kEmailRecipient) + "\"],[\"Subject\"," +
                              JsonQuote(subject) + "],[\"Message-Id\"," + JsonQuote(message_id) +
                              "],[\"Content-Type\",\"text/plain; charset=utf-8\"]]";
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"recipient", kEmailRecipient}, {"sender", address},          {"from", from},
      {"subject", subject},           {"body-plain", spec.text},    {"stripped-text", spec.text},
      {"message-headers", headers},   {"Message-Id", message_id},   {"timestamp", timestamp},
      {"token", token}};
  HttpRequestSpec r;
  r.target = Path(channel);
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  for (const auto& [name, value] : fields) {
    if (!r.body.empty()) r.body += '&';
    r.body.append(UrlEncode(name)).append("=").append(UrlEncode(value));
  }
  r.body += "&signature=" + MailgunSignature(channel.secret, timestamp, token);
  return r;
}

// ---- WhatsApp Cloud API -------------------------------------------------------------

std::string WhatsAppEnvelope(const std::string& value_tail) {
  return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + std::string(kWhatsAppBusinessAccount) +
         "\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"" +
         std::string(kWhatsAppDisplayNumber) + "\",\"phone_number_id\":\"" + std::string(kWhatsAppPhoneNumberId) +
         "\"}," + value_tail + "},\"field\":\"messages\"}]}]}";
}

HttpRequestSpec MetaPost(const ChannelEndpoint& channel, std::string body, bool with_sha1) {
  HttpRequestSpec r = JsonPost(channel, std::move(body));
  r.headers.emplace_back("X-Hub-Signature-256", MetaSignature256(channel.secret, r.body));
  if (with_sha1) r.headers.emplace_back("X-Hub-Signature", MetaSignature1(channel.secret, r.body));
  return r;
}

HttpRequestSpec WhatsAppMessage(const ChannelEndpoint& channel, const MessageSpec& spec) {
  const std::string wa_id = CustomerIdFor(ChannelKind::kWhatsApp, spec.customer_number);
  return MetaPost(channel,
                  WhatsAppEnvelope("\"contacts\":[{\"profile\":{\"name\":" + JsonQuote(spec.customer_name) +
                                   "},\"wa_id\":\"" + wa_id + "\"}],\"messages\":[{\"from\":\"" + wa_id +
                                   "\",\"id\":" + JsonQuote(ProviderIdFor(ChannelKind::kWhatsApp, spec)) +
                                   ",\"timestamp\":\"" + Decimal(spec.now_unix_ms / 1000) +
                                   "\",\"type\":\"text\",\"text\":{\"body\":" + JsonQuote(spec.text) + "}}]"),
                  false);
}

HttpRequestSpec WhatsAppReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  static constexpr const char* kStatuses[] = {"sent", "delivered", "read"};
  const std::string wa_id = CustomerIdFor(ChannelKind::kWhatsApp, spec.customer_number);
  const std::string status = kStatuses[rng() % 3];
  std::string item = "{\"id\":" + JsonQuote(ProviderIdFor(ChannelKind::kWhatsApp, spec)) + ",\"status\":\"" +
                     status + "\",\"timestamp\":\"" + Decimal(spec.now_unix_ms / 1000) + "\",\"recipient_id\":\"" +
                     wa_id + "\"";
  if (status != "read") {
    item += ",\"conversation\":{\"id\":\"" + Hex64(spec.provider_number) +
            "\",\"origin\":{\"type\":\"service\"}},\"pricing\":{\"billable\":true,\"pricing_model\":\"CBP\","
            "\"category\":\"service\"}";
  }
  item += "}";
  return MetaPost(channel, WhatsAppEnvelope("\"statuses\":[" + item + "]"), false);
}

// ---- Facebook Messenger -------------------------------------------------------------

std::string MessengerEnvelope(std::int64_t now_ms, const std::string& event) {
  return "{\"object\":\"page\",\"entry\":[{\"id\":\"" + std::string(kFacebookPageId) +
         "\",\"time\":" + Decimal(now_ms) + ",\"messaging\":[" + event + "]}]}";
}

HttpRequestSpec FacebookMessage(const ChannelEndpoint& channel, const MessageSpec& spec) {
  const std::string psid = CustomerIdFor(ChannelKind::kFacebook, spec.customer_number);
  return MetaPost(channel,
                  MessengerEnvelope(spec.now_unix_ms,
                                    "{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" +
                                        std::string(kFacebookPageId) + "\"},\"timestamp\":" +
                                        Decimal(spec.now_unix_ms) + ",\"message\":{\"mid\":" +
                                        JsonQuote(ProviderIdFor(ChannelKind::kFacebook, spec)) +
                                        ",\"text\":" + JsonQuote(spec.text) + "}}"),
                  true);
}

HttpRequestSpec FacebookReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  const std::string psid = CustomerIdFor(ChannelKind::kFacebook, spec.customer_number);
  const std::string page = std::string(kFacebookPageId);
  const std::string mid = ProviderIdFor(ChannelKind::kFacebook, spec);
  const std::string ts = Decimal(spec.now_unix_ms);
  std::string event;
  switch (rng() % 3) {
    case 0:  // the page's own send, echoed back: sender is the page
      event = "{\"sender\":{\"id\":\"" + page + "\"},\"recipient\":{\"id\":\"" + psid + "\"},\"timestamp\":" + ts +
              ",\"message\":{\"is_echo\":true,\"app_id\":" + std::string(kFacebookAppId) +
              ",\"mid\":" + JsonQuote(mid) + ",\"text\":" + JsonQuote(spec.text) + "}}";
      break;
    case 1:
      event = "{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + page + "\"},\"timestamp\":" + ts +
              ",\"delivery\":{\"mids\":[" + JsonQuote(mid) + "],\"watermark\":" + ts + "}}";
      break;
    default:
      event = "{\"sender\":{\"id\":\"" + psid + "\"},\"recipient\":{\"id\":\"" + page + "\"},\"timestamp\":" + ts +
              ",\"read\":{\"watermark\":" + ts + "}}";
      break;
  }
  return MetaPost(channel, MessengerEnvelope(spec.now_unix_ms, event), true);
}

// ---- LINE ---------------------------------------------------------------------------

HttpRequestSpec LinePost(const ChannelEndpoint& channel, std::string body) {
  HttpRequestSpec r = JsonPost(channel, std::move(body));
  r.headers.emplace_back("x-line-signature", LineSignature(channel.secret, r.body));
  return r;
}

HttpRequestSpec LineMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  return LinePost(channel,
                  "{\"destination\":\"" + std::string(kLineDestination) + "\",\"events\":[{\"replyToken\":\"" +
                      RandomAlnum(rng, 32) + "\",\"type\":\"message\",\"mode\":\"active\",\"timestamp\":" +
                      Decimal(spec.now_unix_ms) + ",\"source\":{\"type\":\"user\",\"userId\":\"" +
                      CustomerIdFor(ChannelKind::kLine, spec.customer_number) + "\"},\"webhookEventId\":\"" +
                      ProviderIdFor(ChannelKind::kLine, spec) +
                      "\",\"deliveryContext\":{\"isRedelivery\":false},\"message\":{\"id\":\"" +
                      Decimal(spec.provider_number) + "\",\"type\":\"text\",\"quoteToken\":\"" +
                      RandomAlnum(rng, 24) + "\",\"text\":" + JsonQuote(spec.text) + "}}]}");
}

HttpRequestSpec LineReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  if (rng() % 2 == 0) {
    // The console's "Verify" request: a signed POST with no events.
    return LinePost(channel, "{\"destination\":\"" + std::string(kLineDestination) + "\",\"events\":[]}");
  }
  return LinePost(channel, "{\"destination\":\"" + std::string(kLineDestination) +
                               "\",\"events\":[{\"type\":\"delivery\",\"mode\":\"active\",\"timestamp\":" +
                               Decimal(spec.now_unix_ms) + ",\"webhookEventId\":\"" +
                               ProviderIdFor(ChannelKind::kLine, spec) +
                               "\",\"deliveryContext\":{\"isRedelivery\":false},\"delivery\":{\"data\":\"" +
                               Hex64(spec.provider_number) + "\"}}]}");
}

}  // namespace

HttpRequestSpec BuildMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  switch (channel.kind) {
    case ChannelKind::kWeChat: return WeChatMessage(channel, spec, rng);
    case ChannelKind::kWeb: return WebMessage(channel, spec);
    case ChannelKind::kX: return XMessage(channel, spec);
    case ChannelKind::kEmail: return EmailMessage(channel, spec, rng);
    case ChannelKind::kWhatsApp: return WhatsAppMessage(channel, spec);
    case ChannelKind::kFacebook: return FacebookMessage(channel, spec);
    case ChannelKind::kLine: return LineMessage(channel, spec, rng);
  }
  return {};
}

HttpRequestSpec BuildReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng) {
  switch (channel.kind) {
    case ChannelKind::kWeChat: return WeChatReceipt(channel, spec, rng);
    case ChannelKind::kWeb: return WebReceipt(channel, spec, rng);
    case ChannelKind::kX: return XReceipt(channel, spec, rng);
    case ChannelKind::kWhatsApp: return WhatsAppReceipt(channel, spec, rng);
    case ChannelKind::kFacebook: return FacebookReceipt(channel, spec, rng);
    case ChannelKind::kLine: return LineReceipt(channel, spec, rng);
    case ChannelKind::kEmail: break;
  }
  return {};
}

std::string SerializeRequest(const HttpRequestSpec& request, std::string_view host) {
  std::string out;
  out.reserve(request.body.size() + request.target.size() + 256);
  out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\nHost: ").append(host);
  out.append("\r\n");
  for (const auto& [name, value] : request.headers) out.append(name).append(": ").append(value).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n\r\n");
  out.append(request.body);
  return out;
}

}  // namespace routerd::loadgen
