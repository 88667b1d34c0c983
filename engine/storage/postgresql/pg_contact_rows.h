// How a stored contacts row is read back into a Contact: the columns to
// select (from the table aliased `c`) and the conversion, one home for every
// reader of contacts (recovery, a tenant's takeover, the cluster inbox).
//
// Thread safety: stateless.
#pragma once

#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// The contact columns, in the order ReadPgContact expects, of `contacts c`.
inline constexpr const char* kPgContactColumns =
    "c.tenant_id, c.channel_kind, c.channel_id, c.customer_id, c.display_name, c.provider_message_id, c.text,"
    " c.sent_at_ms, c.received_at_ms, c.attachments, c.phone";

// The contact of `row`, whose kPgContactColumns start at column `first`.
// DataLoss when its attachments column is corrupt.
StatusOr<ContactPtr> ReadPgContact(const PgResult& r, int row, int first = 0);

}  // namespace routerd::storage
