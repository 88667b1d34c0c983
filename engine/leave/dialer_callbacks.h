// DialerCallbacks: POST /callbacks/dialer/{tenant_id}, where the operator's
// telephony reports the states of the calls routerd asked for (Dialer):
//
//   X-Routerd-Timestamp / X-Routerd-Signature (signed_request.h, the tenant's
//   [tenants.dialer] secret)
//   {"call_id":"...","message_id":42,"state":"ringing|connected|failed|no_answer",
//    "detail":"..." (optional)}
//
// Each state becomes an entry of the message's history (call_ringing,
// call_connected, call_failed, call_no_answer; actor "dialer", detail
// "call_id=<id>" and the telephony's detail). The answer, 200 {"ok":true},
// follows the commit.
//
// Authenticity: a missing or wrong signature, or a timestamp outside
// callback_tolerance_seconds, is 401. Replays: a signature accepted once is
// remembered for twice the window (bounded; when full, new callbacks are
// refused 503 until the oldest expire) and a repeat of it records nothing
// again: it is answered 200 {"ok":true,"duplicate":true}, so the telephony's
// own retries are harmless; one the store could not record is forgotten, so
// its retry is recorded. An unknown tenant, or one without a dialer, is 404.
//
// Thread safety: Handle from any I/O thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "engine/config/config.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"
#include "engine/leave/leave_message_api.h"
#include "engine/leave/leave_repository.h"
#include "routerd/clock.h"

namespace routerd::leave {

class DialerCallbacks {
 public:
  // Signatures remembered at most (all tenants together).
  static constexpr std::size_t kMaxRemembered = 100000;

  // `config`, `store` and `clock` must outlive this object.
  DialerCallbacks(const config::Config& config, LeaveRepository& store, const Clock& clock,
                  std::size_t max_remembered = kMaxRemembered);
  // The tenant routed here by id (a reload adds and retires tenants), nullptr
  // for none; it must outlive this object. Before the first Handle; without
  // it, the tenants of `config`.
  using TenantLookup = std::function<const config::TenantConfig*(std::string_view tenant_id)>;
  void SetTenantLookup(TenantLookup lookup) { lookup_ = std::move(lookup); }

  // `path` is what follows "/callbacks/dialer" ("/acme").
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           http::RequestContext& ctx);
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           const LeaveMessageApi::Deferrer& defer);

 private:
  // The signatures accepted recently; shared with the completions, which may
  // run after this object is gone.
  class Memory {
   public:
    enum class Seen { kNew, kRepeat, kFull };
    explicit Memory(std::size_t max) : max_(max) {}
    Seen Remember(const std::string& key, std::int64_t now_ms, std::int64_t ttl_ms);
    // A callback that was not recorded (the store failed) may come again.
    void Forget(const std::string& key);

   private:
    struct Entry {
      std::int64_t expires_ms;
      std::string key;
    };
    const std::size_t max_;
    std::mutex mu_;
    std::deque<Entry> order_;               // guarded by mu_; in arrival order, pruned from the front
    std::unordered_set<std::string> seen_;  // guarded by mu_
  };

  const config::TenantConfig* FindTenant(std::string_view tenant_id) const;

  const config::Config& config_;
  TenantLookup lookup_;
  LeaveRepository& store_;
  const Clock& clock_;
  const std::shared_ptr<Memory> memory_;
};

}  // namespace routerd::leave
