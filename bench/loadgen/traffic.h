// TrafficModel: what the next webhook request is, so that the traffic looks
// like a contact center's.
//
// `customers` conversations are active at once. Each belongs to one channel
// (its kind drawn from the mix, the channel of that kind taken in turn) and
// sends `messages_per_session` messages; after its last one it is replaced by
// a new customer. Each request is, with probability `duplicates`, a
// byte-identical re-send of an earlier acknowledged request (a provider
// retry); else, with probability `receipts`, a provider event the daemon must
// ignore; else the next message of a random active conversation.
//
// Every message and receipt gets a sequence number, embedded in the message
// text as a marker "[lg:<run id hex>:<seq>]" so that an agent's frame can be
// matched to the webhook that caused it. The run id is also in the top bits of
// every provider id and customer id, so runs against one daemon (whose dedup
// store may be durable) never collide.
//
// Thread safety: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bench/loadgen/channel_requests.h"
#include "routerd/status.h"

namespace routerd::loadgen {

struct TrafficOptions {
  std::vector<std::pair<ChannelKind, double>> mix;  // empty: every kind the config has, equally
  std::size_t customers = 1000;
  int messages_per_session = 3;
  double duplicates = 0.0;  // share of requests, 0..1
  double receipts = 0.0;    // share of requests, 0..1
  std::uint32_t run_id = 1;  // non-zero
  std::uint64_t seed = 1;
  std::size_t duplicate_pool = 4096;  // acknowledged requests kept for re-sending
};

enum class RequestClass : std::uint8_t { kMessage, kReceipt, kDuplicate };

struct PlannedRequest {
  RequestClass cls = RequestClass::kMessage;
  std::uint64_t seq = 0;  // for a duplicate: the seq of the request it repeats
  ChannelKind kind = ChannelKind::kWeb;
  std::shared_ptr<const std::string> bytes;  // the raw HTTP request
};

// "[lg:<run id as 8 hex digits>:<seq>]".
std::string Marker(std::uint32_t run_id, std::uint64_t seq);
// The seq of the first marker of run `run_id` in `text`, if any.
std::optional<std::uint64_t> FindMarker(std::string_view text, std::uint32_t run_id);
// Parses "whatsapp=3,web=2" (kind names; weights > 0).
StatusOr<std::vector<std::pair<ChannelKind, double>>> ParseMix(std::string_view text);

class TrafficModel {
 public:
  // Fails when the mix names a kind without a channel, or receipts are asked
  // for but only kinds without receipts are mixed.
  static StatusOr<std::unique_ptr<TrafficModel>> Create(std::vector<ChannelEndpoint> channels,
                                                        TrafficOptions options, std::string host);

  // The next request, signed with `now_unix_ms`.
  PlannedRequest Next(std::int64_t now_unix_ms);
  // A request that got a 2xx: it may be re-sent later as a duplicate.
  void Acknowledged(const PlannedRequest& request);

  // Sequence numbers handed out so far (messages and receipts).
  std::uint64_t issued() const { return next_seq_; }
  const TrafficOptions& options() const { return options_; }
  const std::vector<ChannelEndpoint>& channels() const { return channels_; }

 private:
  struct Conversation {
    std::size_t channel = 0;
    std::uint64_t customer_number = 0;
    int sent = 0;
  };

  TrafficModel(std::vector<ChannelEndpoint> channels, TrafficOptions options, std::string host);
  Conversation NewConversation();
  std::size_t NextChannelOfKind(ChannelKind kind);
  MessageSpec Spec(std::uint64_t customer_number, std::int64_t now_unix_ms, bool with_marker);

  std::vector<ChannelEndpoint> channels_;
  TrafficOptions options_;
  std::string host_;
  std::mt19937_64 rng_;
  std::vector<ChannelKind> kinds_;                // mixed kinds
  std::discrete_distribution<std::size_t> pick_kind_;
  std::vector<ChannelKind> receipt_kinds_;        // mixed kinds that have receipts
  std::discrete_distribution<std::size_t> pick_receipt_kind_;
  std::vector<std::vector<std::size_t>> by_kind_;  // kind -> channel indexes
  std::vector<std::size_t> next_of_kind_;          // kind -> round-robin cursor
  std::vector<Conversation> conversations_;
  std::vector<PlannedRequest> acknowledged_;  // ring of re-sendable requests
  std::size_t acknowledged_next_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t next_customer_ = 0;
};

}  // namespace routerd::loadgen
