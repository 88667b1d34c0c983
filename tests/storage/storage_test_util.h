// Helpers for the storage tests: a fresh temporary data directory per test,
// contacts, and a helper that waits for a completion.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_records.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "engine/storage/sqlite/sqlite_storage.h"
#include "tests/storage/contact_log_table.h"
#include "routerd/contact.h"

namespace routerd::storage::testing {

// The dedup and range retention the retention tests give their storage.
inline constexpr std::int64_t kRetentionMs = 3'600'000;

class TempDir {
 public:
  TempDir() {
    std::string base = (std::filesystem::temp_directory_path() / "routerd-storage-XXXXXX").string();
    char* made = ::mkdtemp(base.data());
    EXPECT_NE(made, nullptr);
    path_ = base;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  // A data directory that does not exist yet (Open must create it).
  std::string data_dir() const { return path_ + "/data/nested"; }
  std::string db_file() const { return data_dir() + "/routerd.db"; }

 private:
  std::string path_;
};

inline ContactPtr MakeContact(std::string channel_id, std::string customer_id, std::string provider_message_id,
                              std::string text, std::int64_t sent_at_ms = 1'700'000'000'000,
                              std::string tenant_id = "t1", std::string channel_kind = "whatsapp") {
  auto c = std::make_shared<Contact>();
  c->tenant_id = std::move(tenant_id);
  c->channel_kind = std::move(channel_kind);
  c->channel_id = std::move(channel_id);
  c->customer_id = std::move(customer_id);
  c->display_name = "Customer " + c->customer_id;
  c->provider_message_id = std::move(provider_message_id);
  c->text = std::move(text);
  c->sent_at_ms = sent_at_ms;
  c->received_at_ms = sent_at_ms + 7;
  return c;
}

inline DatabaseOptions Options(const TempDir& dir) {
  DatabaseOptions o;
  o.data_dir = dir.data_dir();
  return o;
}

inline std::unique_ptr<Database> OpenOrDie(const DatabaseOptions& options) {
  StatusOr<std::unique_ptr<Database>> db = Database::Open(options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

struct ContactsResult {
  Status status;
  std::vector<ContactWrite> outcome;
};

// Submits one AcceptedContacts record and waits for its completion.
inline ContactsResult WriteContacts(JournalWriter& writer, std::vector<ContactPtr> contacts) {
  auto promise = std::make_shared<std::promise<ContactsResult>>();
  auto future = promise->get_future();
  AcceptedContacts rec;
  rec.tenant_id = contacts.empty() ? "t1" : contacts[0]->tenant_id;
  rec.channel_id = contacts.empty() ? "ch" : contacts[0]->channel_id;
  rec.channel_kind = contacts.empty() ? "whatsapp" : contacts[0]->channel_kind;
  rec.contacts = std::move(contacts);
  Status s = writer.Submit(MakeAcceptedContactsRecord(std::move(rec), [promise](const Status& st, std::span<const ContactWrite> o) {
    promise->set_value({st, std::vector<ContactWrite>(o.begin(), o.end())});
  }));
  if (!s.ok()) return {s, {}};
  return future.get();
}

// Submits session events as one record and waits for its completion.
inline Status WriteSessionEvents(JournalWriter& writer, std::vector<SessionEvent> events) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Status s = writer.Submit(
      MakeSessionEventsRecord(std::move(events), [promise](const Status& st) { promise->set_value(st); }));
  if (!s.ok()) return s;
  return future.get();
}

// A full prune by `writer`, waited for.
inline StatusOr<PruneResult> PruneAndWait(JournalWriter& writer) {
  auto promise = std::make_shared<std::promise<StatusOr<PruneResult>>>();
  auto future = promise->get_future();
  writer.RequestPrune([promise](StatusOr<PruneResult> r) { promise->set_value(std::move(r)); });
  return future.get();
}

// A started SqliteStorage with `partitions` partitions, pruning only on request.
inline std::unique_ptr<SqliteStorage> OpenStorageOrDie(const std::string& data_dir, int partitions, const Clock& clock,
                                                       std::vector<std::string> tenants = {"t1", "t2"}) {
  StorageOptions o;
  o.data_dir = data_dir;
  o.partitions = partitions;
  o.prune_interval_ms = 0;
  o.tenants = std::move(tenants);
  StatusOr<std::unique_ptr<SqliteStorage>> s = SqliteStorage::Open(o, clock);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return nullptr;
  Status started = (*s)->Start();
  EXPECT_TRUE(started.ok()) << started.ToString();
  return std::move(s).value();
}

// The same as the JournalWriter forms, through the Storage interface.
inline ContactsResult WriteContacts(Storage& storage, std::vector<ContactPtr> contacts) {
  auto promise = std::make_shared<std::promise<ContactsResult>>();
  auto future = promise->get_future();
  AcceptedContacts rec;
  rec.tenant_id = contacts.empty() ? "t1" : contacts[0]->tenant_id;
  rec.channel_id = contacts.empty() ? "ch" : contacts[0]->channel_id;
  rec.channel_kind = contacts.empty() ? "whatsapp" : contacts[0]->channel_kind;
  rec.contacts = std::move(contacts);
  Status s = storage.AppendContacts(std::move(rec), [promise](const Status& st, std::span<const ContactWrite> o) {
    promise->set_value({st, std::vector<ContactWrite>(o.begin(), o.end())});
  });
  if (!s.ok()) return {s, {}};
  return future.get();
}

inline Status WriteSessionEvents(Storage& storage, std::vector<SessionEvent> events) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Status s = storage.AppendSessionEvents(std::move(events), [promise](const Status& st) { promise->set_value(st); });
  if (!s.ok()) return s;
  return future.get();
}

// The first column of `sql`'s first row, read on a new reader; from schema 9
// on, `contacts` in `sql` names the contact log's contacts
// (MaterializeContacts).
inline std::int64_t CountRows(Database& db, const std::string& sql) {
  StatusOr<std::unique_ptr<ReadConnection>> rc = db.OpenReader();
  EXPECT_TRUE(rc.ok()) << rc.status().ToString();
  if (!rc.ok()) return -1;
  if (db.schema_version() >= 9) {
    Status s = MaterializeContacts((*rc)->conn());
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  StatusOr<Statement> st = (*rc)->conn().Prepare(sql);
  EXPECT_TRUE(st.ok()) << st.status().ToString();
  if (!st.ok()) return -1;
  StatusOr<bool> row = st->Step();
  EXPECT_TRUE(row.ok() && *row);
  return st->ColumnInt64(0);
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace routerd::storage::testing
