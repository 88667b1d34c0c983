// Provider-shaped webhook requests for the integration tests: small payload
// builders in each provider's documented shape, and the signed request (path,
// headers, query) each provider would send for a body. Signatures come from
// signing.h, never from the adapters.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/integration/http_client.h"
#include "tests/integration/integration_config.h"

namespace routerd::integration {

struct ProviderRequest {
  std::string method = "POST";
  std::string target;  // path and query
  std::string body;
  HttpClient::Headers headers;
};

// "/webhooks/{kind}/{channel}", plus "?query" when `query` is not empty.
std::string WebhookPath(std::string_view kind, std::string_view channel, std::string_view query = {});

// JSON string literal of `s` (quotes included).
std::string JsonString(std::string_view s);

// ---- WhatsApp Cloud API -----------------------------------------------------
struct WhatsAppText {
  std::string from;  // wa_id
  std::string name;  // profile name
  std::string id;    // wamid
  std::string text;
};
// One entry, one change of field "messages" holding these text messages.
std::string WhatsAppTextBody(const std::vector<WhatsAppText>& messages);
ProviderRequest WhatsAppPost(std::string body, std::string_view app_secret = kWhatsAppSecret);

// ---- Facebook Messenger -----------------------------------------------------
struct MessengerText {
  std::string sender;  // PSID
  std::string mid;
  std::string text;
  std::int64_t timestamp_ms = 1718000000000;
};
// One entry per message, as Meta batches them.
std::string MessengerTextBody(const std::vector<MessengerText>& messages);
ProviderRequest FacebookPost(std::string body, std::string_view app_secret = kFacebookSecret);

// ---- LINE -------------------------------------------------------------------
struct LineText {
  std::string user_id;
  std::string webhook_event_id;
  std::string text;
};
std::string LineTextBody(const std::vector<LineText>& events);
ProviderRequest LinePost(std::string body, std::string_view channel_secret = kLineSecret);

// ---- X Account Activity -----------------------------------------------------
inline constexpr std::string_view kXOwnAccount = "4337869213";
struct XDm {
  std::string sender_id;
  std::string name;  // users[sender_id].name
  std::string id;
  std::string text;
};
std::string XDmBody(const std::vector<XDm>& events);
ProviderRequest XPost(std::string body, std::string_view consumer_secret = kXConsumerSecret);

// ---- Web widget -------------------------------------------------------------
std::string WebEventBody(std::string_view event_id, std::string_view type, std::string_view visitor_id,
                         std::string_view visitor_name, std::string_view text);
// Signed with `timestamp` (default: now).
ProviderRequest WebPost(std::string body, std::int64_t timestamp_seconds = 0, std::string_view secret = kWebSecret);

// ---- Email (Mailgun route forward) --------------------------------------------
using FormFields = std::vector<std::pair<std::string, std::string>>;
FormFields EmailFields(std::string_view from, std::string_view subject, std::string_view body_plain,
                       std::string_view message_id);
// Appends timestamp (default: now), token and signature, urlencoded.
ProviderRequest EmailPost(const FormFields& fields, std::string_view token, std::int64_t timestamp_seconds = 0,
                          std::string_view signing_key = kEmailSigningKey);

// ---- WeChat Official Account ------------------------------------------------
std::string WeChatTextXml(std::string_view from_user, std::string_view msg_id, std::string_view content);
// Plain mode: signature over (token, timestamp, nonce) in the query. Without
// a nonce, each call gets a new one, as WeChat does (the daemon refuses a
// (timestamp, nonce) pair seen with another body).
ProviderRequest WeChatPlainPost(std::string_view channel, std::string xml, std::string_view token,
                                std::string_view nonce = {});
// Safe mode: the XML encrypted for `app_id`, with msg_signature.
ProviderRequest WeChatSafePost(std::string_view channel, std::string_view xml, std::string_view token,
                               std::string_view aes_key, std::string_view app_id,
                               std::string_view nonce = "260774613");

}  // namespace routerd::integration
