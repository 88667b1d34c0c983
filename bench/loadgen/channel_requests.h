// Provider-shaped webhook requests for the seven channel kinds: each body in
// the provider's documented format (shared/reference/channels.md, README "The
// web widget protocol"), signed as the provider signs it, and serialized as
// the raw HTTP/1.1 bytes a client writes on a keep-alive connection.
//
// Two families per kind: a customer's text message (the daemon must route it)
// and a provider event it must acknowledge and ignore (a status receipt, an
// echo of our own send, a read mark). Email (Mailgun) has no such event.
//
// Thread safety: pure functions; `rng` is the caller's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace routerd::loadgen {

enum class ChannelKind : std::uint8_t { kWeChat, kWeb, kX, kEmail, kWhatsApp, kFacebook, kLine };
inline constexpr std::array<ChannelKind, 7> kAllKinds = {ChannelKind::kWeChat,   ChannelKind::kWeb,
                                                         ChannelKind::kX,        ChannelKind::kEmail,
                                                         ChannelKind::kWhatsApp, ChannelKind::kFacebook,
                                                         ChannelKind::kLine};

// The config/URL name ("wechat", "web", "x", "email", "whatsapp", "facebook", "line").
std::string_view KindName(ChannelKind kind);
std::optional<ChannelKind> KindFromName(std::string_view name);
// Whether the kind has provider events that are not customer messages.
bool HasReceipts(ChannelKind kind);

// One channel instance of the daemon's configuration, with its secrets.
struct ChannelEndpoint {
  std::string tenant_id;
  std::string id;
  ChannelKind kind = ChannelKind::kWeb;
  // The signing secret of the kind: wechat token, web secret, x consumer_secret,
  // email signing_key, whatsapp/facebook app_secret, line channel_secret.
  std::string secret;
  std::string wechat_app_id;
  std::string wechat_aes_key;  // 43 characters; non-empty means safe mode (encrypted pushes)
};

// What one request is about. Numbers are unique per run and across runs (the
// run id is in their top 32 bits); each kind shapes them into its own id format.
struct MessageSpec {
  std::uint64_t provider_number = 0;  // the provider's message/event id
  std::uint64_t customer_number = 0;  // the customer's id
  std::string customer_name;
  std::string text;
  std::int64_t now_unix_ms = 0;  // wall clock: providers sign and stamp with it
};

struct HttpRequestSpec {
  std::string method = "POST";
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The customer id and the provider message id the daemon will see for a spec
// (for tests and for reading a report against the daemon's state).
std::string CustomerIdFor(ChannelKind kind, std::uint64_t customer_number);
std::string ProviderIdFor(ChannelKind kind, const MessageSpec& spec);

// A customer's text message, as the provider would deliver it.
HttpRequestSpec BuildMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng);
// A provider event the daemon must answer 2xx and not route.
// REQUIRES: HasReceipts(channel.kind)
HttpRequestSpec BuildReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng);

// Raw HTTP/1.1 request bytes (Host, the spec's headers, Content-Length).
std::string SerializeRequest(const HttpRequestSpec& request, std::string_view host);

// JSON string literal of `s`, quotes included (control characters escaped).
std::string JsonQuote(std::string_view s);

}  // namespace routerd::loadgen
