#include "engine/metrics/webhook_metrics.h"

namespace routerd::metrics {
namespace {

std::string_view RejectionName(std::size_t i) {
  static constexpr std::string_view kNames[] = {"none",          "bad_signature", "replay", "malformed",
                                                "unsupported_media", "bad_handshake", "method", "overloaded"};
  return i < std::size(kNames) ? kNames[i] : "unknown";
}

}  // namespace

WebhookMetrics::WebhookMetrics(std::vector<std::string> kinds)
    : kinds_(std::move(kinds)), per_kind_(new PerKind[kinds_.size()]) {}

int WebhookMetrics::KindIndex(std::string_view kind) const {
  for (std::size_t i = 0; i < kinds_.size(); ++i) {
    if (kinds_[i] == kind) return static_cast<int>(i);
  }
  return -1;
}

void WebhookMetrics::RecordStatus(int kind, int http_status) {
  if (kind < 0) return;
  std::size_t slot = kStatusSlots - 1;
  for (std::size_t i = 0; i < std::size(kStatuses); ++i) {
    if (kStatuses[i] == http_status) slot = i;
  }
  per_kind_[kind].status[slot].fetch_add(1, std::memory_order_relaxed);
}

void WebhookMetrics::RecordRejection(int kind, WebhookRejection why) {
  const auto i = static_cast<std::size_t>(why);
  if (kind < 0 || i >= kRejections || why == WebhookRejection::kNone) return;
  per_kind_[kind].rejections[i].fetch_add(1, std::memory_order_relaxed);
}

void WebhookMetrics::AddAccepted(int kind, std::uint64_t n) {
  if (kind >= 0 && n) per_kind_[kind].accepted.fetch_add(n, std::memory_order_relaxed);
}
void WebhookMetrics::AddDuplicates(int kind, std::uint64_t n) {
  if (kind >= 0 && n) per_kind_[kind].duplicates.fetch_add(n, std::memory_order_relaxed);
}
void WebhookMetrics::AddLeaveMessages(int kind, std::uint64_t n) {
  if (kind >= 0 && n) per_kind_[kind].leave_messages.fetch_add(n, std::memory_order_relaxed);
}
void WebhookMetrics::RecordQueueFull(int kind) {
  if (kind >= 0) per_kind_[kind].queue_full.fetch_add(1, std::memory_order_relaxed);
}

void WebhookMetrics::AddIgnored(int kind, std::string_view reason) {
  if (kind < 0) return;
  PerKind& k = per_kind_[kind];
  auto find = [&]() -> IgnoredSlot* {
    for (IgnoredSlot& slot : k.ignored) {
      const char* name = slot.name.load(std::memory_order_acquire);
      if (name == nullptr) return nullptr;
      if (std::string_view(name, slot.length.load(std::memory_order_relaxed)) == reason) return &slot;
    }
    return nullptr;
  };
  if (IgnoredSlot* slot = find()) {
    slot->count.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // A reason seen for the first time: register it under the lock (rare), with
  // the length published before the name so lock-free readers see both.
  std::lock_guard lock(register_mu_);
  if (IgnoredSlot* slot = find()) {
    slot->count.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  for (IgnoredSlot& slot : k.ignored) {
    if (slot.name.load(std::memory_order_relaxed) == nullptr) {
      slot.length.store(reason.size(), std::memory_order_relaxed);
      slot.name.store(reason.data(), std::memory_order_release);
      slot.count.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  k.ignored_other.fetch_add(1, std::memory_order_relaxed);
}

void WebhookMetrics::Render(PrometheusWriter& out) const {
  out.Family("routerd_webhook_responses_total", "counter", "Webhook responses by channel kind and HTTP status.");
  for (std::size_t k = 0; k < kinds_.size(); ++k) {
    for (std::size_t i = 0; i < kStatusSlots; ++i) {
      const std::uint64_t v = per_kind_[k].status[i].load(std::memory_order_relaxed);
      if (v == 0) continue;
      const std::string code = i < std::size(kStatuses) ? std::to_string(kStatuses[i]) : "other";
      out.Sample("routerd_webhook_responses_total", {{"kind", kinds_[k]}, {"code", code}}, v);
    }
  }
  out.Family("routerd_webhook_rejections_total", "counter", "Webhook requests refused, by channel kind and reason.");
  for (std::size_t k = 0; k < kinds_.size(); ++k) {
    for (std::size_t i = 1; i < kRejections; ++i) {
      const std::uint64_t v = per_kind_[k].rejections[i].load(std::memory_order_relaxed);
      if (v) out.Sample("routerd_webhook_rejections_total", {{"kind", kinds_[k]}, {"reason", RejectionName(i)}}, v);
    }
  }
  auto simple = [&](std::string_view name, std::string_view help, auto member) {
    out.Family(name, "counter", help);
    for (std::size_t k = 0; k < kinds_.size(); ++k) {
      out.Sample(name, {{"kind", kinds_[k]}}, (per_kind_[k].*member).load(std::memory_order_relaxed));
    }
  };
  simple("routerd_webhook_contacts_accepted_total", "Customer messages handed to the router.", &PerKind::accepted);
  simple("routerd_webhook_duplicates_total", "Provider retries of messages already accepted.", &PerKind::duplicates);
  simple("routerd_webhook_leave_messages_total", "Leave messages received from the channel.",
         &PerKind::leave_messages);
  simple("routerd_webhook_queue_full_total", "Requests refused with 503 because the router queue was full.",
         &PerKind::queue_full);
  out.Family("routerd_webhook_ignored_total", "counter",
             "Events that are not customer messages (receipts, echoes, statuses, unknown types), by reason.");
  for (std::size_t k = 0; k < kinds_.size(); ++k) {
    for (const IgnoredSlot& slot : per_kind_[k].ignored) {
      const char* name = slot.name.load(std::memory_order_acquire);
      if (name == nullptr) break;
      out.Sample("routerd_webhook_ignored_total",
                 {{"kind", kinds_[k]}, {"reason", std::string_view(name, slot.length.load())}},
                 slot.count.load(std::memory_order_relaxed));
    }
    const std::uint64_t other = per_kind_[k].ignored_other.load(std::memory_order_relaxed);
    if (other) out.Sample("routerd_webhook_ignored_total", {{"kind", kinds_[k]}, {"reason", "other"}}, other);
  }
}

}  // namespace routerd::metrics
