// InboxPump: brings the contacts other instances stored for this instance's
// tenants (the inbox) to the router. One thread with its own connection:
// LISTEN on the inbox channel as the wake-up, a poll every inbox_poll_ms as
// the guarantee (a notification is lost while the connection is down, and
// one sent before LISTEN is never seen).
//
// A contact taken from the inbox is no longer there. When the router cannot
// take it now (its queue is full) the pump keeps it and retries; when the
// instance loses the tenant meanwhile, the router drops it (its epoch is
// stale) and the next owner finds it pending in storage. Either way it is
// routed once.
//
// Thread safety: Start/Stop from the owning thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/cluster/tenant_ownership.h"
#include "engine/storage/cluster_store.h"
#include "routerd/contact.h"
#include "routerd/status.h"

namespace routerd::cluster {

struct InboxPumpOptions {
  std::string instance_id;
  std::chrono::milliseconds poll{500};
  std::size_t batch = 1000;  // contacts taken per transaction at most
};

class InboxPump {
 public:
  // Hands `contacts` (taken under `held`) to the router, removing from the
  // vector those it took; the rest are offered again later.
  using Route = std::function<void(std::vector<ContactPtr>& contacts, const std::vector<storage::HeldLease>& held)>;

  InboxPump(InboxPumpOptions options, storage::ClusterStore& store, const TenantOwnership& ownership, Route route);
  ~InboxPump();

  void Start();
  void Stop();
  // Looks at the inbox now (a tenant was just activated here).
  void Kick();

  std::uint64_t taken() const { return taken_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // One pass: true when it took a full batch (more may wait).
  bool Pass();

  const InboxPumpOptions options_;
  storage::ClusterStore& store_;
  const TenantOwnership& ownership_;
  const Route route_;
  std::unique_ptr<storage::ClusterSession> session_;  // the pump's thread only
  std::vector<ContactPtr> backlog_;                   // ditto: taken, not yet routed
  std::vector<storage::HeldLease> backlog_held_;      // the leases it was taken under

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool kicked_ = false;    // guarded by mu_
  std::thread thread_;
  std::atomic<std::uint64_t> taken_{0};
};

}  // namespace routerd::cluster
