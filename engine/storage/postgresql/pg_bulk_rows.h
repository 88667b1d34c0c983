// PgBulkRows: the journal rows a PostgreSQL batch gathers (contacts and
// session events) and writes as one INSERT ... SELECT FROM unnest(arrays) per
// table: two short statements per batch whatever its size, instead of one
// per row (or one VALUES list the server must parse row by row).
//
// Contacts go in with ON CONFLICT (channel_id, provider_message_id) DO
// NOTHING RETURNING the keys inserted: a key that comes back was new
// (kInserted); any other occurrence of a keyed contact, in the database or
// earlier in the same batch, is kDuplicate. Rows keep the order they were
// added (an identity column numbers them), which recovery relies on.
//
// Cluster mode: a contact added `for_owner` (its instance does not route
// it) that was new also gets a contact_inbox row, in the same statement that
// sends a NOTIFY per tenant on kInboxChannel (delivered at commit), and is
// reported kStoredForOwner instead of kInserted.
//
// Rows reference the strings of the records that added them: the records
// outlive Flush().
//
// Thread safety: thread-compatible (the writer thread's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/storage/journal_model.h"
#include "engine/storage/postgresql/pg_connection.h"
#include "engine/storage/storage_types.h"
#include "routerd/contact.h"

namespace routerd::storage {

class PgBulkRows {
 public:
  // `outcome` receives kInserted (kStoredForOwner when `for_owner`) or
  // kDuplicate once the rows are flushed.
  void AddContact(const AcceptedContacts& record, const Contact& contact, ContactWrite* outcome,
                  bool for_owner = false);
  void AddEvent(const SessionEventWrite& row);
  bool empty() const { return contacts_.empty() && events_.empty(); }

  // Writes everything gathered (contacts first) and forgets it.
  Status Flush(PgConnection& conn, std::int64_t now_ms);

 private:
  struct ContactRow {
    const AcceptedContacts* record;
    const Contact* contact;
    ContactWrite* outcome;
    bool for_owner;
  };
  Status FlushContacts(PgConnection& conn, std::int64_t now_ms);
  // Inbox rows for the new contacts stored for their owner, and their NOTIFYs.
  Status FlushInbox(PgConnection& conn);
  Status FlushEvents(PgConnection& conn, std::int64_t now_ms);

  std::vector<ContactRow> contacts_;
  std::vector<SessionEventWrite> events_;
};

}  // namespace routerd::storage
