// Binds a contact's attachments as the contacts row keeps them
// (EncodeAttachments, journal_model.h), or NULL when there are none.
//
// Thread safety: stateless.
#pragma once

#include <vector>

#include "engine/storage/journal_model.h"
#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/contact.h"

namespace routerd::storage {

void BindAttachments(Statement& st, int index, const std::vector<AttachmentRef>& attachments);

}  // namespace routerd::storage
