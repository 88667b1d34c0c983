// Journal records for the ingest path and restart recovery: accepted contacts
// and session events. Build them with the Make* functions and Submit() them to
// the JournalWriter.
//
// Contacts and sessions. A contact row is keyed by (channel_id,
// provider_message_id), which is also the durable dedup key. Session records
// name their contacts by that key (taken from the ContactPtr, which is not
// copied): a contact named by a session record is "routed"; one that is
// neither routed nor kept in a leave message is "pending" and is handed back by
// LoadOpenState() to be routed again after a restart. So the daemon should
// name every contact it routes: the first at SessionOpened, the history at
// SessionAssigned, later ones with SessionContactsAdded (kMessage). A key
// that matches no stored contact is counted (JournalStats) and ignored.
//
// Thread safety: building records is thread-compatible; once submitted a
// record belongs to the writer, and its callback runs on the writer thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "engine/storage/journal_writer.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// One webhook request's contacts: stored in one transaction, acknowledged
// after it (channels.md §9: "store all events in one transaction, then ack").
// The record's tenant and channel are authoritative for every contact.
struct AcceptedContacts {
  std::string tenant_id;
  std::string channel_id;
  std::string channel_kind;
  std::vector<ContactPtr> contacts;
};

enum class ContactWrite : std::uint8_t {
  kInserted,
  // (channel_id, provider_message_id) was already stored: answer 2xx, do not route.
  kDuplicate,
};

// `outcome` has one entry per contact, in order, when status is OK; it is
// empty otherwise (nothing was stored: answer 5xx so the provider retries).
// A contact without a provider message id is always kInserted (cannot be
// deduplicated).
using AcceptedContactsDone = std::function<void(const Status& status, std::span<const ContactWrite> outcome)>;

JournalRecordPtr MakeAcceptedContactsRecord(AcceptedContacts contacts, AcceptedContactsDone done);

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

// The session was given to an agent (also after a transfer); `contacts` are
// the messages so far (the router's history), bound to it when not yet.
struct SessionAssigned {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string employee_id;
  std::vector<ContactPtr> contacts;
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

using SessionEvent = std::variant<SessionOpened, SessionAssigned, SessionRequeued, SessionContactsAdded, SessionEnded>;

// Several events (typically one router batch) in one record. Events apply in
// order and independently: one naming an unknown session (NotFound) or
// opening an existing one (AlreadyExists) is skipped and the others still
// apply; `done` (optional) then gets the first such error. A storage error
// undoes the whole record.
JournalRecordPtr MakeSessionEventsRecord(std::vector<SessionEvent> events, std::function<void(const Status&)> done = {});

}  // namespace routerd::storage
