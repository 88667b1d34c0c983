// Helpers for the cluster-mode storage tests: storages of several instances
// on one PostgreSQL database, their ClusterSessions, and writes that name a
// lease epoch.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/storage/cluster_store.h"
#include "engine/storage/storage.h"
#include "tests/storage/storage_backends.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage::testing {

inline constexpr std::chrono::milliseconds kLongLease{60'000};
inline constexpr std::chrono::milliseconds kShortLease{300};

// A started PostgreSQL storage of cluster instance `instance` (empty: a
// single node) on `where`'s database.
inline std::unique_ptr<Storage> OpenInstance(BackendLocation& where, const Clock& clock, const std::string& instance) {
  StorageOptions o = where.Options();
  o.cluster_instance_id = instance;
  return BackendLocation::OpenWith(o, clock);
}

inline std::unique_ptr<ClusterSession> Connect(Storage& storage) {
  EXPECT_NE(storage.cluster(), nullptr);
  if (storage.cluster() == nullptr) return nullptr;
  StatusOr<std::unique_ptr<ClusterSession>> s = storage.cluster()->Connect();
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

// Claims `tenant` for `instance` and returns the epoch (0 and a failure when
// it could not).
inline std::uint64_t ClaimOrFail(ClusterSession& s, const std::string& instance, const std::string& tenant,
                                 std::chrono::milliseconds lease = kLongLease) {
  StatusOr<std::optional<std::uint64_t>> epoch = s.Claim(instance, tenant, lease);
  EXPECT_TRUE(epoch.ok()) << epoch.status().ToString();
  EXPECT_TRUE(epoch.ok() && epoch->has_value()) << instance << " could not claim " << tenant;
  return epoch.ok() && epoch->has_value() ? **epoch : 0;
}

// Waits (a bound, not a timing claim) until the database's clock says the
// lease of `tenant` expired.
inline bool WaitUntilExpired(ClusterSession& s, const std::string& tenant) {
  for (int i = 0; i < 200; ++i) {
    StatusOr<std::vector<TenantLease>> leases = s.Leases();
    if (!leases.ok()) return false;
    for (const TenantLease& l : *leases) {
      if (l.tenant_id == tenant && l.expired) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// One AcceptedContacts record naming `lease_epoch`, waited for.
inline ContactsResult WriteContactsAt(Storage& storage, std::vector<ContactPtr> contacts, std::uint64_t lease_epoch) {
  auto promise = std::make_shared<std::promise<ContactsResult>>();
  auto future = promise->get_future();
  AcceptedContacts rec;
  rec.tenant_id = contacts[0]->tenant_id;
  rec.channel_id = contacts[0]->channel_id;
  rec.channel_kind = contacts[0]->channel_kind;
  rec.contacts = std::move(contacts);
  rec.lease_epoch = lease_epoch;
  Status s = storage.AppendContacts(std::move(rec), [promise](const Status& st, std::span<const ContactWrite> o) {
    promise->set_value({st, std::vector<ContactWrite>(o.begin(), o.end())});
  });
  if (!s.ok()) return {s, {}};
  return future.get();
}

inline Status WriteFenced(Storage& storage, std::vector<SessionEvent> events, std::uint64_t lease_epoch) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Status s = storage.AppendFencedSessionEvents(std::move(events), lease_epoch,
                                               [promise](const Status& st) { promise->set_value(st); });
  if (!s.ok()) return s;
  return future.get();
}

inline std::vector<std::string> Keys(const std::vector<ContactPtr>& contacts) {
  std::vector<std::string> ids;
  for (const ContactPtr& c : contacts) ids.push_back(c->provider_message_id);
  return ids;
}

}  // namespace routerd::storage::testing
