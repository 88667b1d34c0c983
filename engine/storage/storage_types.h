// The values the engine exchanges with durable storage, whatever the backend:
// what ingest appends (accepted contacts), what the router appends (session
// events), and what a restart reads back (OpenState).
//
// Contacts and sessions. A stored contact is keyed by (channel_id,
// provider_message_id), which is also the durable dedup key. Session events
// name their contacts by that key (taken from the ContactPtr, which is not
// copied): a contact named by a session event is "routed"; one that is neither
// routed nor kept in a leave message is "pending" and is handed back by
// LoadOpenState() to be routed again after a restart. So the daemon names every
// contact it routes: the first at SessionOpened, later ones with
// SessionContactsAdded (waiting or assigned). SessionAssigned names the
// assignment only: every contact in a session's history was named when it
// joined.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// One webhook request's contacts: stored in one transaction, acknowledged
// after it ("store all events in one transaction, then ack"). The record's
// tenant and channel are authoritative for every contact.
struct AcceptedContacts {
  std::string tenant_id;
  std::string channel_id;
  std::string channel_kind;
  std::vector<ContactPtr> contacts;
  // Cluster mode only: the epoch of the tenant's lease held by this instance
  // (it routes the contacts itself), or 0. When the lease is not held at that
  // epoch inside the commit, the contacts are stored for the owner instead
  // (inbox) and come back as kStoredForOwner.
  std::uint64_t lease_epoch = 0;
  // Contacts from this index on become leave messages (the web widget's
  // leave_message events): stored as durable dedup keys, never routed, so
  // never sent to an owner's inbox; their outcome is kInserted or kDuplicate.
  std::size_t leave_from = SIZE_MAX;
};

enum class ContactWrite : std::uint8_t {
  kInserted,
  // (channel_id, provider_message_id) was already stored: answer 2xx, do not route.
  kDuplicate,
  // Cluster mode: stored and handed to the tenant's owner through the inbox:
  // answer 2xx, do not route here.
  kStoredForOwner,
};

// `outcome` has one entry per contact, in order, when status is OK; it is
// empty otherwise (nothing was stored: answer 5xx so the provider retries).
// A contact without a provider message id is always kInserted (cannot be
// deduplicated).
using AcceptedContactsDone = std::function<void(const Status& status, std::span<const ContactWrite> outcome)>;

// A new session (waiting in `queue_id`), with the contacts it starts with.
struct SessionOpened {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string channel_kind;
  std::string channel_id;
  std::string customer_id;
  std::string queue_id;
  std::int64_t arrival_ms = 0;  // wall clock; the waiting order after a restart
  std::vector<ContactPtr> contacts;
};

// The session was given to an agent (also after a transfer).
struct SessionAssigned {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string employee_id;
};

// The session waits again at its original arrival time (its agent signed out,
// or it was transferred or overflowed): no agent; in `queue_id` when set.
struct SessionRequeued {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string queue_id;  // empty: the queue it was in
};

// Contacts that joined an open session.
struct SessionContactsAdded {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::vector<ContactPtr> contacts;
};

// The session is over (closed by the agent, customer idle, ...).
struct SessionEnded {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string reason;
};

// The route trace of a session that left the router (ended, or became a
// leave message): kept for the retention time, so that an administrator can
// still read it after the router's in-memory copy is gone or the daemon
// restarted. `trace` is opaque to storage (the API's JSON object); recovery
// ignores these events.
struct SessionTraceKept {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string trace;
};

using SessionEvent =
    std::variant<SessionOpened, SessionAssigned, SessionRequeued, SessionContactsAdded, SessionEnded, SessionTraceKept>;

const std::string& TenantOf(const SessionEvent& event);

// Events apply in order. An event naming a session that is not open is
// recorded all the same and ignored by recovery; `done` gets OK once every
// event is durably stored, or the storage error.
using SessionEventsDone = std::function<void(const Status&)>;

struct RecoveredSession {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string channel_kind;
  std::string channel_id;
  std::string customer_id;
  std::string queue_id;
  std::int64_t arrival_ms = 0;             // the original arrival: waiting order
  std::optional<std::string> employee_id;  // set when assigned
  std::vector<ContactPtr> contacts;        // the contacts routed into it, in order
};

struct OpenState {
  // Sessions not ended, oldest arrival first (then tenant, then session id).
  std::vector<RecoveredSession> sessions;
  // Contacts accepted (acknowledged, in sync mode) but not yet named by any
  // session event nor kept in a leave message, in acceptance order within a
  // tenant: route them again. They join their customer's recovered session.
  std::vector<ContactPtr> pending_contacts;
  // Contacts still stored with a provider message id = durable dedup keys.
  std::uint64_t dedup_keys = 0;
  // Per tenant, the largest session id still stored (open or ended): new
  // session ids must start above it.
  std::map<std::string, std::uint64_t> max_session_id;
  std::uint64_t leave_messages = 0;
};

// A kept route trace as read back: when it was stored (wall clock, the commit
// of its batch) and the trace as given.
struct StoredSessionTrace {
  std::int64_t stored_at_ms = 0;
  std::string trace;
};

struct PruneResult {
  std::uint64_t contacts = 0;
  std::uint64_t session_events = 0;
  std::uint64_t passes = 0;

  PruneResult& operator+=(const PruneResult& o) {
    contacts += o.contacts;
    session_events += o.session_events;
    passes += o.passes;
    return *this;
  }
};

// A snapshot of the journal's counters, summed over its partitions.
struct JournalStats {
  std::uint64_t batches = 0;            // transactions attempted for records
  std::uint64_t records = 0;            // records completed (any status)
  std::uint64_t commits = 0;            // successful batch commits (one fsync each)
  std::uint64_t failed_batches = 0;     // batches whose BEGIN or COMMIT failed
  std::uint64_t last_batch_records = 0;
  std::uint64_t max_batch_records = 0;
  std::uint64_t queue_depth = 0;        // records queued now
  std::uint64_t refused = 0;            // refused: queue full
  std::uint64_t prune_passes = 0;       // each is one committed transaction
  std::uint64_t pruned_contacts = 0;
  std::uint64_t pruned_session_events = 0;
  std::uint64_t reconnects = 0;              // connections to a database server re-established
  std::uint64_t unavailable_partitions = 0;  // partitions whose server cannot be reached now

  double RecordsPerCommit() const { return commits == 0 ? 0.0 : static_cast<double>(records) / commits; }
  std::uint64_t Fsyncs() const { return commits + prune_passes; }
  JournalStats& operator+=(const JournalStats& o);
};

}  // namespace routerd::storage
