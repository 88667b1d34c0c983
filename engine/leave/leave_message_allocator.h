// LeaveMessageAllocator: automatic allocation of leave messages
// for skill queues with auto_allocate = true (the default).
//
// What it does. A pass takes every To be allocated message of such a queue,
// oldest first, and allocates it to one of the queue's agents: the agents
// configured for the queue that are signed in (when an "is signed in"
// predicate is given; without one every configured agent counts) whose type
// serves the message's media (CheckAllocationTarget, the rule manual
// allocation follows too). Among those it picks the agent
// with the fewest open allocations (Unprocessed + Processing), ties in
// configuration order, so messages spread evenly. With no such agent the
// message becomes Allocation failed. Allocation failed messages are retried
// when an agent of their queue signs in (OnAgentSignedIn), and an
// administrator can always allocate them by hand.
//
// When it runs. On its own thread: every poll_interval_ms (messages created by
// the router's sink commit without a callback, so polling is what finds them),
// and at once after Kick() (e.g. from LeaveMessageApi's created hook) or
// OnAgentSignedIn(). Store calls block that thread only, never an I/O or
// router thread. Allocations race safely with manual ones: the store checks
// the status inside the commit, and a message allocated meanwhile is skipped.
//
// Each allocation is recorded with actor "auto-allocator" and told to the agent
// through the notifier: {"type":"leave_message_allocated","message":{...}}.
//
// Thread safety: Kick and OnAgentSignedIn from any thread; Start/Stop from one
// owner thread; RunPass/Rearm (used by tests, and by the thread) are not to be
// called concurrently with Start.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/config/config.h"
#include "engine/leave/leave_repository.h"

namespace routerd::leave {

struct AllocatorOptions {
  // Default: 5000. How often the allocator looks for To be allocated messages.
  std::int64_t poll_interval_ms = 5000;
  // Cluster mode: whether this instance routes the tenant now. Only the
  // owner allocates a tenant's messages: it alone knows which agents are
  // signed in (elsewhere every message would look unallocatable). Empty: all.
  std::function<bool(const std::string& tenant_id)> routes_tenant;
  // The tenants routed here, each with its configuration in effect: a reload
  // may have moved agents to other queues, added tenants or retired some.
  // Empty: the start-up configuration's.
  std::function<std::vector<std::shared_ptr<const config::TenantConfig>>()> tenants_in_effect;
};

struct AllocationResult {
  std::uint64_t allocated = 0;
  std::uint64_t failed = 0;  // marked Allocation failed
};

class LeaveMessageAllocator {
 public:
  using SignedIn = std::function<bool(const std::string& tenant_id, const std::string& employee_id)>;
  using Notifier = std::function<void(const std::string& tenant_id, const std::string& employee_id, std::string json)>;

  static constexpr const char* kActor = "auto-allocator";

  // `config` and `store` must outlive the allocator. Both functions may be empty;
  // they are called on the allocator's thread and must not block.
  LeaveMessageAllocator(const config::Config& config, leave::LeaveRepository& store, SignedIn signed_in,
                        Notifier notify, AllocatorOptions options = {});
  ~LeaveMessageAllocator();
  LeaveMessageAllocator(const LeaveMessageAllocator&) = delete;
  LeaveMessageAllocator& operator=(const LeaveMessageAllocator&) = delete;

  void Start();
  void Stop();

  // A pass soon (a message was created).
  void Kick();
  // Retries the Allocation failed messages of the agent's auto_allocate queues.
  void OnAgentSignedIn(const std::string& tenant_id, const std::string& employee_id);

  // One pass over every auto_allocate queue, on the calling thread.
  AllocationResult RunPass();
  // The re-arm for one agent's sign-in, on the calling thread.
  AllocationResult Rearm(const std::string& tenant_id, const std::string& employee_id);

 private:
  void Run();
  std::vector<std::shared_ptr<const config::TenantConfig>> TenantsInEffect() const;
  void AllocateQueue(const config::TenantConfig& tenant, const config::SkillQueueConfig& queue,
                     leave::LeaveStatus from, AllocationResult& result);

  const config::Config& config_;
  leave::LeaveRepository& store_;
  const SignedIn signed_in_;
  const Notifier notify_;
  const AllocatorOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool kicked_ = false;                                   // guarded by mu_
  bool stopping_ = false;                                 // guarded by mu_
  std::vector<std::pair<std::string, std::string>> rearm_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace routerd::leave
