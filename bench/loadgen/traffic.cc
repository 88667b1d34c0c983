#include "bench/loadgen/traffic.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace routerd::loadgen {
namespace {

constexpr const char* kPhrases[] = {
    "Hi, I need help with my order",
    "Does it come in another color?",
    "My package has not arrived yet",
    "How do I change my delivery address?",
    "The payment failed twice, can you check?",
    "Is the store open on Sunday?",
    "I would like to return an item",
    "Can I speak to someone about my invoice?",
};
constexpr const char* kNames[] = {"Ana Lima", "Bo Chen", "Chidi Okafor", "Dana Novak", "Eli Haddad",
                                  "Fumi Sato", "Gus Moreau", "Hana Kim"};

}  // namespace

std::string Marker(std::uint32_t run_id, std::uint64_t seq) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "[lg:%08" PRIx32 ":%" PRIu64 "]", run_id, seq);
  return buf;
}

std::optional<std::uint64_t> FindMarker(std::string_view text, std::uint32_t run_id) {
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "[lg:%08" PRIx32 ":", run_id);
  const std::string_view p(prefix);
  const std::size_t at = text.find(p);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = text.data() + at + p.size();
  const char* last = text.data() + text.size();
  std::uint64_t seq = 0;
  auto [end, ec] = std::from_chars(first, last, seq);
  if (ec != std::errc() || end == first || end == last || *end != ']') return std::nullopt;
  return seq;
}

StatusOr<std::vector<std::pair<ChannelKind, double>>> ParseMix(std::string_view text) {
  std::vector<std::pair<ChannelKind, double>> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return Status::InvalidArgument("--mix: '" + std::string(item) + "' is not kind=weight");
    auto kind = KindFromName(item.substr(0, eq));
    if (!kind) return Status::InvalidArgument("--mix: unknown channel kind '" + std::string(item.substr(0, eq)) + "'");
    const std::string weight_text(item.substr(eq + 1));
    char* end = nullptr;
    const double weight = std::strtod(weight_text.c_str(), &end);
    if (weight_text.empty() || *end != '\0' || !(weight > 0)) {
      return Status::InvalidArgument("--mix: the weight of '" + std::string(KindName(*kind)) + "' must be > 0");
    }
    for (const auto& [k, w] : out) {
      if (k == *kind) return Status::InvalidArgument("--mix: '" + std::string(KindName(*kind)) + "' given twice");
    }
    out.emplace_back(*kind, weight);
  }
  if (out.empty()) return Status::InvalidArgument("--mix is empty");
  return out;
}

StatusOr<std::unique_ptr<TrafficModel>> TrafficModel::Create(std::vector<ChannelEndpoint> channels,
                                                             TrafficOptions options, std::string host) {
  if (channels.empty()) return Status::InvalidArgument("the routerd config has no channels");
  if (options.customers == 0) return Status::InvalidArgument("--customers must be at least 1");
  if (options.messages_per_session < 1) return Status::InvalidArgument("--messages-per-session must be at least 1");
  if (options.duplicates < 0 || options.receipts < 0 || options.duplicates + options.receipts >= 1) {
    return Status::InvalidArgument("--duplicates and --receipts must be >= 0 and add up to less than 1");
  }
  if (options.run_id == 0) return Status::InvalidArgument("the run id must not be 0");
  std::vector<bool> present(kAllKinds.size(), false);
  for (const ChannelEndpoint& c : channels) present[static_cast<std::size_t>(c.kind)] = true;
  if (options.mix.empty()) {
    for (ChannelKind k : kAllKinds) {
      if (present[static_cast<std::size_t>(k)]) options.mix.emplace_back(k, 1.0);
    }
  }
  bool any_receipts = false;
  for (const auto& [kind, weight] : options.mix) {
    if (!present[static_cast<std::size_t>(kind)]) {
      return Status::InvalidArgument("--mix names '" + std::string(KindName(kind)) +
                                     "', but the routerd config has no channel of that kind");
    }
    any_receipts |= HasReceipts(kind);
  }
  if (options.receipts > 0 && !any_receipts) {
    return Status::InvalidArgument("--receipts needs a mixed kind that has receipts (email has none)");
  }
  return std::unique_ptr<TrafficModel>(new TrafficModel(std::move(channels), std::move(options), std::move(host)));
}

TrafficModel::TrafficModel(std::vector<ChannelEndpoint> channels, TrafficOptions options, std::string host)
    : channels_(std::move(channels)),
      options_(std::move(options)),
      host_(std::move(host)),
      rng_(options_.seed),
      by_kind_(kAllKinds.size()),
      next_of_kind_(kAllKinds.size(), 0) {
  std::vector<double> weights, receipt_weights;
  for (const auto& [kind, weight] : options_.mix) {
    kinds_.push_back(kind);
    weights.push_back(weight);
    if (HasReceipts(kind)) {
      receipt_kinds_.push_back(kind);
      receipt_weights.push_back(weight);
    }
  }
  pick_kind_ = std::discrete_distribution<std::size_t>(weights.begin(), weights.end());
  if (!receipt_weights.empty()) {
    pick_receipt_kind_ = std::discrete_distribution<std::size_t>(receipt_weights.begin(), receipt_weights.end());
  }
  for (std::size_t i = 0; i < channels_.size(); ++i) by_kind_[static_cast<std::size_t>(channels_[i].kind)].push_back(i);
  conversations_.reserve(options_.customers);
  for (std::size_t i = 0; i < options_.customers; ++i) conversations_.push_back(NewConversation());
  acknowledged_.reserve(options_.duplicate_pool);
}

std::size_t TrafficModel::NextChannelOfKind(ChannelKind kind) {
  const auto k = static_cast<std::size_t>(kind);
  const std::vector<std::size_t>& list = by_kind_[k];
  return list[next_of_kind_[k]++ % list.size()];
}

TrafficModel::Conversation TrafficModel::NewConversation() {
  Conversation c;
  c.channel = NextChannelOfKind(kinds_[pick_kind_(rng_)]);
  c.customer_number = (static_cast<std::uint64_t>(options_.run_id) << 32) | next_customer_++;
  return c;
}

MessageSpec TrafficModel::Spec(std::uint64_t customer_number, std::int64_t now_unix_ms, bool with_marker) {
  const std::uint64_t seq = next_seq_++;
  MessageSpec spec;
  spec.provider_number = (static_cast<std::uint64_t>(options_.run_id) << 32) | seq;
  spec.customer_number = customer_number;
  spec.customer_name = kNames[customer_number % std::size(kNames)];
  spec.text = kPhrases[rng_() % std::size(kPhrases)];
  if (with_marker) spec.text += " " + Marker(options_.run_id, seq);
  spec.now_unix_ms = now_unix_ms;
  return spec;
}

PlannedRequest TrafficModel::Next(std::int64_t now_unix_ms) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double roll = unit(rng_);
  if (roll < options_.duplicates && !acknowledged_.empty()) {
    PlannedRequest dup = acknowledged_[rng_() % acknowledged_.size()];
    dup.cls = RequestClass::kDuplicate;
    return dup;
  }
  PlannedRequest out;
  if (roll >= options_.duplicates && roll < options_.duplicates + options_.receipts) {
    const ChannelKind kind = receipt_kinds_[pick_receipt_kind_(rng_)];
    const ChannelEndpoint& channel = channels_[NextChannelOfKind(kind)];
    const Conversation& about = conversations_[rng_() % conversations_.size()];
    // Echoes carry text; a marker there would expose an echo routed by mistake.
    MessageSpec spec = Spec(about.customer_number, now_unix_ms, true);
    out.cls = RequestClass::kReceipt;
    out.seq = spec.provider_number & 0xffffffffu;
    out.kind = kind;
    out.bytes = std::make_shared<const std::string>(SerializeRequest(BuildReceipt(channel, spec, rng_), host_));
    return out;
  }
  const std::size_t i = rng_() % conversations_.size();
  Conversation& c = conversations_[i];
  const ChannelEndpoint& channel = channels_[c.channel];
  MessageSpec spec = Spec(c.customer_number, now_unix_ms, true);
  out.cls = RequestClass::kMessage;
  out.seq = spec.provider_number & 0xffffffffu;
  out.kind = channel.kind;
  out.bytes = std::make_shared<const std::string>(SerializeRequest(BuildMessage(channel, spec, rng_), host_));
  if (++c.sent >= options_.messages_per_session) c = NewConversation();
  return out;
}

void TrafficModel::Acknowledged(const PlannedRequest& request) {
  if (request.cls == RequestClass::kDuplicate || options_.duplicates <= 0 || options_.duplicate_pool == 0) return;
  if (acknowledged_.size() < options_.duplicate_pool) {
    acknowledged_.push_back(request);
  } else {
    acknowledged_[acknowledged_next_] = request;
    acknowledged_next_ = (acknowledged_next_ + 1) % options_.duplicate_pool;
  }
}

}  // namespace routerd::loadgen
