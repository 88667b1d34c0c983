// The seven channel kinds as the load generator knows them: their names in
// configurations and URLs, and the ids each provider gives its customers and
// messages (for tests and for reading a report against the daemon's state).
//
// Thread safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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

// What one request is about. Numbers are unique per run and across runs (the
// run id is in their top 32 bits); each kind shapes them into its own id format.
struct MessageSpec {
  std::uint64_t provider_number = 0;  // the provider's message/event id
  std::uint64_t customer_number = 0;  // the customer's id
  std::string customer_name;
  std::string text;
  std::int64_t now_unix_ms = 0;  // wall clock: providers sign and stamp with it
};

// The customer id and the provider message id the daemon will see for a spec
// (for tests and for reading a report against the daemon's state).
std::string CustomerIdFor(ChannelKind kind, std::uint64_t customer_number);
std::string ProviderIdFor(ChannelKind kind, const MessageSpec& spec);

}  // namespace routerd::loadgen
