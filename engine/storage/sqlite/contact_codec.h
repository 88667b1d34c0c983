// How a contact's attachments are kept in the contacts row: one text column,
// each field length-prefixed ("<bytes>:<value>"), five fields per attachment
// (type, reference, mime, size or empty, name), NULL when there are none. One
// column instead of a row per attachment keeps an accepted contact one insert.
//
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/storage/sqlite/sqlite_connection.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

std::string EncodeAttachments(const std::vector<AttachmentRef>& attachments);
// DataLoss when `encoded` is not what EncodeAttachments writes.
StatusOr<std::vector<AttachmentRef>> DecodeAttachments(std::string_view encoded);

// Binds EncodeAttachments(attachments) at `index`, or NULL when empty.
void BindAttachments(Statement& st, int index, const std::vector<AttachmentRef>& attachments);

}  // namespace routerd::storage
