// SessionJournal: turns each router batch's session events into one journal
// record, so a restart can bring back waiting and assigned sessions (issue 5).
//
// What is journaled: a session opening (with its queue and wall-clock
// arrival), each assignment (with the messages so far), messages joining an
// assigned session, the agent signing out (requeued), transfers (requeued,
// then assigned again when they go to an agent) and the end. Messages joining
// a waiting session are not: they stay "pending" in the journal and join their
// customer's session again after a restart. Restored assignments (strategy
// "restored") are already stored and are skipped.
//
// Ordering: the daemon's fan-out calls this before the leave-message sink, so a
// session that opens and overflows in one batch is stored before the leave
// message that ends it.
//
// Thread safety: OnRoutingEvents runs on several shard threads at once; the
// JournalWriter's Submit is thread-safe and never blocks.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/routing/routing_events.h"
#include "engine/storage/journal_writer.h"
#include "routerd/clock.h"

namespace routerd::daemon {

class SessionJournal final : public routing::RoutingEventSink {
 public:
  // Both must outlive the journal.
  SessionJournal(storage::JournalWriter& writer, const Clock& clock) : writer_(writer), clock_(clock) {}

  void OnRoutingEvents(std::span<routing::RoutingEvent> events) override;

  // Batches the journal queue refused (full): their contacts are pending after
  // a restart and routed again, so nothing is lost, but sessions may reopen.
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  storage::JournalWriter& writer_;
  const Clock& clock_;
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace routerd::daemon
