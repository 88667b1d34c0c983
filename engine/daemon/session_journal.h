// SessionJournal: turns each router batch's session events into one storage
// append, so a restart can bring back waiting and assigned sessions.
//
// What is journaled: a session opening (with its queue and wall-clock
// arrival), every message joining it (waiting or assigned: the router's
// bounded history may drop some before an agent sees them, and they must not
// come back as a new conversation after a restart), each assignment, the agent
// signing out (requeued), moves to another queue (transfer, overflow), and
// the end. Restored assignments (strategy "restored") are already stored and
// are skipped. A session that ends or becomes a leave message also leaves its
// route trace (the API's JSON), which storage keeps for the retention time so
// that GET /api/v1/sessions/{id} answers after the router forgot it.
//
// Ordering: the daemon's fan-out calls this before the leave-message sink, so a
// session that opens and overflows in one batch is stored before the leave
// message that ends it.
//
// Thread safety: OnRoutingEvents runs on several shard threads at once;
// Storage::AppendSessionEvents is thread-safe and never blocks.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "engine/routing/routing_events.h"
#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::daemon {

// The storage events one routing event stands for (none for most), appended
// to `out`. `now_ms` is the batch's wall-clock stamp, read from `clock` at the
// first session that opens (0 until then).
void AppendStorageEvent(const routing::RoutingEvent& e, const Clock& clock, std::int64_t& now_ms,
                        std::vector<storage::SessionEvent>& out);

class SessionJournal final : public routing::RoutingEventSink {
 public:
  // Both must outlive the journal.
  SessionJournal(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  // Batches storage refused (full): their contacts are pending after
  // a restart and routed again, so nothing is lost, but sessions may reopen.
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  storage::Storage& storage_;
  const Clock& clock_;
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace routerd::daemon
