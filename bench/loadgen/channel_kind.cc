#include "bench/loadgen/channel_kind.h"

#include <cinttypes>
#include <cstdio>

#include "bench/loadgen/id_format.h"
#include "bench/loadgen/signing.h"

namespace routerd::loadgen {

std::string_view KindName(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kWeChat: return "wechat";
    case ChannelKind::kWeb: return "web";
    case ChannelKind::kX: return "x";
    case ChannelKind::kEmail: return "email";
    case ChannelKind::kWhatsApp: return "whatsapp";
    case ChannelKind::kFacebook: return "facebook";
    case ChannelKind::kLine: return "line";
  }
  return "?";
}

std::optional<ChannelKind> KindFromName(std::string_view name) {
  for (ChannelKind k : kAllKinds) {
    if (KindName(k) == name) return k;
  }
  return std::nullopt;
}

bool HasReceipts(ChannelKind kind) { return kind != ChannelKind::kEmail; }

std::string CustomerIdFor(ChannelKind kind, std::uint64_t customer_number) {
  char buf[64];
  switch (kind) {
    case ChannelKind::kWeChat:  // an OpenID: 28 characters starting with 'o'
      std::snprintf(buf, sizeof buf, "oLg%025" PRIu64, customer_number);
      return buf;
    case ChannelKind::kWeb:
      return "v-" + Hex64(customer_number);
    case ChannelKind::kEmail:
      return "customer." + Hex64(customer_number) + "@mail.example.net";
    case ChannelKind::kLine:  // U + 32 hex digits
      return "U" + Hex64(customer_number) + Hex64(customer_number ^ 0x9e3779b97f4a7c15ULL);
    case ChannelKind::kX:
    case ChannelKind::kWhatsApp:
    case ChannelKind::kFacebook:
      return Decimal(customer_number);
  }
  return Decimal(customer_number);
}

std::string ProviderIdFor(ChannelKind kind, const MessageSpec& spec) {
  const std::uint64_t n = spec.provider_number;
  switch (kind) {
    case ChannelKind::kWeChat:
    case ChannelKind::kX:
      return Decimal(n);
    case ChannelKind::kWeb:
    case ChannelKind::kLine:
      return Ulid(spec.now_unix_ms, static_cast<std::uint16_t>(n >> 48), n);
    case ChannelKind::kEmail:
      return "<lg." + Hex64(n) + "@mail.example.net>";
    case ChannelKind::kWhatsApp:
      return "wamid." + Base64("\x15\x02\x01\x11\x18\x12" + BigEndian64(n) + BigEndian64(~n));
    case ChannelKind::kFacebook:
      return "m_" + Base64(BigEndian64(n) + BigEndian64(n * 0x9e3779b97f4a7c15ULL)).substr(0, 22);
  }
  return Decimal(n);
}

}  // namespace routerd::loadgen
