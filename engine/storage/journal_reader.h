// Journal reads: what a restart needs (LoadOpenState) and the durable dedup
// check. Both run on a read connection and never wait for the writer.
//
// Thread safety: each call uses the given ReadConnection, which must not be in
// use by another thread meanwhile.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/database.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

struct RecoveredSession {
  std::string tenant_id;
  std::uint64_t session_id = 0;
  std::string channel_kind;
  std::string channel_id;
  std::string customer_id;
  std::string queue_id;
  std::int64_t arrival_ms = 0;                // the original arrival: waiting order
  std::optional<std::string> employee_id;     // set when assigned
  std::optional<std::int64_t> assigned_at_ms;
  std::vector<ContactPtr> contacts;           // the contacts routed into it, in order
};

struct OpenState {
  // Sessions not ended, oldest arrival first (then session id).
  std::vector<RecoveredSession> sessions;
  // Contacts accepted (acknowledged, in sync mode) but not yet named by any
  // session record nor kept in a leave message, in acceptance order: route
  // them again. They join their customer's recovered session, if any.
  std::vector<ContactPtr> pending_contacts;
  // Contacts still stored with a provider message id = durable dedup keys.
  std::uint64_t dedup_keys = 0;
  // Per tenant, the largest session id still stored (open or ended): new
  // session ids must start above it.
  std::map<std::string, std::uint64_t> max_session_id;
  std::uint64_t leave_messages = 0;
};

// One consistent snapshot of everything above.
StatusOr<OpenState> LoadOpenState(ReadConnection& rc);
StatusOr<OpenState> LoadOpenState(Database& db);

// True when (channel_id, provider_message_id) is stored: a provider retry of
// something already accepted. The authoritative check-and-insert is the
// AcceptedContacts record (ContactWrite::kDuplicate); this is a read-only
// look-up (e.g. to answer a retry without queueing it).
StatusOr<bool> ContainsContactKey(ReadConnection& rc, std::string_view channel_id,
                                  std::string_view provider_message_id);

}  // namespace routerd::storage
