// WebhookMetrics: what the webhook endpoints did, per channel kind.
//
// Counters are relaxed atomics bumped by the I/O threads (one add per request
// and counter that moved, not per byte or event); rendered on scrape.
// Ignored events are counted by the adapter's static reason name in a small
// table per kind: lock-free for known reasons, a mutex only to add a new one.
//
// Thread safety: all methods from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/metrics/prometheus_writer.h"
#include "routerd/webhook.h"

namespace routerd::metrics {

class WebhookMetrics {
 public:
  explicit WebhookMetrics(std::vector<std::string> kinds);

  // Index of a kind for the other calls; -1 when unknown.
  int KindIndex(std::string_view kind) const;
  void RecordStatus(int kind, int http_status);
  void RecordRejection(int kind, WebhookRejection why);
  void AddAccepted(int kind, std::uint64_t contacts);
  void AddDuplicates(int kind, std::uint64_t contacts);
  void AddLeaveMessages(int kind, std::uint64_t n);
  void AddIgnored(int kind, std::string_view reason);
  void RecordQueueFull(int kind);

  void Render(PrometheusWriter& out) const;

 private:
  static constexpr int kStatuses[] = {200, 400, 401, 403, 404, 405, 406, 413, 415, 503};
  static constexpr std::size_t kStatusSlots = std::size(kStatuses) + 1;  // + other
  static constexpr std::size_t kRejections = 8;
  static constexpr std::size_t kIgnoredSlots = 32;

  struct IgnoredSlot {
    std::atomic<const char*> name{nullptr};  // static string from the adapter
    std::atomic<std::size_t> length{0};
    std::atomic<std::uint64_t> count{0};
  };
  struct alignas(64) PerKind {
    std::array<std::atomic<std::uint64_t>, kStatusSlots> status{};
    std::array<std::atomic<std::uint64_t>, kRejections> rejections{};
    std::atomic<std::uint64_t> accepted{0}, duplicates{0}, leave_messages{0}, queue_full{0};
    std::atomic<std::uint64_t> ignored_other{0};
    std::array<IgnoredSlot, kIgnoredSlots> ignored;
  };

  std::vector<std::string> kinds_;
  std::unique_ptr<PerKind[]> per_kind_;
  std::mutex register_mu_;  // taken only to register a new ignored reason
};

}  // namespace routerd::metrics
