// The contact log: the contacts a journal writer batch accepts, kept as ONE
// row of contact_log (schema 9), not a row each.
//
// Why. A row per contact costs SQLite a record insert per contact besides
// its dedup key; in the log, an accepted contact costs its share of one
// appended row, and its key is indexed in the writer's memory
// (contact_keys.h). Nothing reads a single contact on the hot path: recovery,
// pruning and the key index's start decode whole rows.
//
// Format of a row's `contacts` BLOB (never changed once written: a new
// layout is a new leading version byte):
//   version byte 1, then items, each a tag byte and its fields:
//     'g'  a group: tenant_id, channel_kind, channel_id (strings); the
//          contacts up to the next group belong to it (one AcceptedContacts
//          record: its tenant and channel are authoritative);
//     'c'  a contact: customer_id, display_name, provider_message_id, text,
//          attachments (EncodeAttachments, empty when none), phone (strings),
//          then sent_at_ms and received_at_ms (zigzag varints).
//   A string is a varint byte count and the bytes, as they came (no
//   encoding is assumed: a contact's text is whatever its channel gave).
//
// Thread safety: ContactLogBuilder is thread-compatible; the rest is
// stateless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::storage {

// One contact as a row holds it; the views point into the row's bytes.
struct LoggedContact {
  std::string_view tenant_id;
  std::string_view channel_kind;
  std::string_view channel_id;
  std::string_view customer_id;
  std::string_view display_name;
  std::string_view provider_message_id;  // empty: the contact has no dedup key
  std::string_view text;
  std::string_view attachments;  // EncodeAttachments' form; empty when none
  std::string_view phone;
  std::int64_t sent_at_ms = 0;
  std::int64_t received_at_ms = 0;
};

// Builds the BLOB of one row.
class ContactLogBuilder {
 public:
  // Where the builder stood: for a record that a savepoint undoes.
  struct Mark {
    std::size_t bytes = 0;
    std::size_t contacts = 0;
  };

  // Starts a group; the contacts added next belong to it.
  void BeginGroup(std::string_view tenant_id, std::string_view channel_kind, std::string_view channel_id);
  // REQUIRES: a group begun.
  void Add(const Contact& contact);
  // Adds `contact` with its own group (for rewriting a row).
  void AddLogged(const LoggedContact& contact);

  bool empty() const { return contacts_ == 0; }
  std::size_t contacts() const { return contacts_; }
  // The row's BLOB.
  std::string_view bytes() const { return bytes_; }
  Mark mark() const { return Mark{bytes_.size(), contacts_}; }
  void truncate(const Mark& mark);
  void clear();

 private:
  void Fields(const LoggedContact& contact);  // the tenant and channel are the group's

  std::string bytes_;
  std::size_t contacts_ = 0;
  std::string attachments_;  // Add's encoding buffer, reused: no allocation per contact
  // The group of the last contact AddLogged wrote.
  std::string group_tenant_, group_kind_, group_channel_;
};

// Calls `fn` for each contact of a row, in order; stops at the first error
// `fn` returns. DataLoss when `bytes` is not what ContactLogBuilder writes.
Status ForEachLoggedContact(std::string_view bytes, const std::function<Status(const LoggedContact&)>& fn);

// The contact, with its attachments decoded.
StatusOr<ContactPtr> ToContact(const LoggedContact& logged);

}  // namespace routerd::storage
