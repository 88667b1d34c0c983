// Dialer: asks the operator's telephony (a PBX, a CPaaS, FreeSWITCH's or
// Asterisk's HTTP interface behind a small adapter) for the call-back of a
// leave message: one signed HTTP POST per call to the tenant's
// [tenants.dialer] url (signed_request.h, with the tenant's secret):
//
//   {"call_id","tenant_id","message_id","employee_id","business_account",
//    "contact_number","requested_by"}
//
// A 2xx answer means the telephony took the request; the call's states then
// come back through the signed callback route (DialerCallbacks). A timeout,
// a connection failure, 408, 429 or a 5xx is retried, max_attempts in all,
// after retry_backoff_ms, doubling; any other answer is final. When no
// attempt succeeds, `on_failed` reports why, once.
//
// Threads: the requests run on the dialer's own thread and io_context, so no
// I/O thread, router shard or journal writer ever waits on the telephony.
// Pending calls are bounded per tenant (max_pending_calls): past it Request
// refuses at once (ResourceExhausted).
//
// Thread safety: Request from any thread; Start and Stop from the owner.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "engine/base/grow_only_index.h"
#include "engine/config/config.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::leave {

struct CallRequest {
  std::string tenant_id;
  std::int64_t message_id = 0;
  std::string call_id;
  std::string employee_id;
  std::string business_account;
  std::string contact_number;
  std::string requested_by;  // the actor that asked (an agent, or an administrator for one)
};

class Dialer {
 public:
  // Called on the dialer's thread when a request could not be delivered.
  using Failed = std::function<void(const CallRequest&, const Status&)>;

  // `config` and `clock` must outlive the dialer.
  Dialer(const config::Config& config, const Clock& clock, Failed on_failed);
  ~Dialer();
  Dialer(const Dialer&) = delete;
  Dialer& operator=(const Dialer&) = delete;

  void Start();
  // Abandons requests still pending; each is reported through `on_failed`
  // (Unavailable: routerd stopped before the telephony confirmed it), so that
  // its message's history says so. Idempotent.
  void Stop();

  // A tenant a reload added (`tenant` outlives the dialer). From one thread
  // at a time (the reload).
  void AddTenant(const config::TenantConfig& tenant);

  // FailedPrecondition when the tenant has no dialer url, ResourceExhausted
  // when its pending calls are at the limit, Unavailable when stopped.
  Status Request(CallRequest call);

  // The JSON body sent for `call` (tests and the telephony's adapter read it).
  static std::string RequestBody(const CallRequest& call);

 private:
  struct Tenant {
    const config::DialerConfig* config = nullptr;
    std::atomic<int> pending{0};
  };
  void Run(std::uint64_t key, std::shared_ptr<CallRequest> call, Tenant& tenant);

  const Clock& clock_;
  const Failed on_failed_;
  base::GrowOnlyIndex<Tenant> tenants_;  // only added to
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  // Requests not finished yet, so that Stop can report them.
  std::mutex mu_;
  std::uint64_t next_key_ = 0;                                                 // guarded by mu_
  std::unordered_map<std::uint64_t, std::shared_ptr<CallRequest>> in_flight_;  // guarded by mu_
};

}  // namespace routerd::leave
