// Provider-shaped webhook requests for the seven channel kinds: each body in
// the provider's documented format (README "The web widget protocol" for
// ours), signed as the provider signs it, and serialized as the raw HTTP/1.1
// bytes a client writes on a keep-alive connection.
//
// Two families per kind: a customer's text message (the daemon must route it)
// and a provider event it must acknowledge and ignore (a status receipt, an
// echo of our own send, a read mark). Email (Mailgun) has no such event.
//
// Thread safety: pure functions; `rng` is the caller's.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/loadgen/channel_kind.h"

namespace routerd::loadgen {

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

struct HttpRequestSpec {
  std::string method = "POST";
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A customer's text message, as the provider would deliver it.
HttpRequestSpec BuildMessage(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng);
// A provider event the daemon must answer 2xx and not route.
// REQUIRES: HasReceipts(channel.kind)
HttpRequestSpec BuildReceipt(const ChannelEndpoint& channel, const MessageSpec& spec, std::mt19937_64& rng);

// Raw HTTP/1.1 request bytes (Host, the spec's headers, Content-Length).
std::string SerializeRequest(const HttpRequestSpec& request, std::string_view host);

}  // namespace routerd::loadgen
