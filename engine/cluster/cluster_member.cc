#include "engine/cluster/cluster_member.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "engine/base/guarded_call.h"
#include "engine/base/log_limiter.h"
#include "engine/base/thread_name.h"

namespace routerd::cluster {
namespace {

// FNV-1a then a 64-bit finalizer: the same on every build, unlike std::hash.
std::uint64_t StableHash(const std::string& tenant, const std::string& instance) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(tenant);
  h ^= 0xff;  // a separator no id contains
  h *= 1099511628211ull;
  mix(instance);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

// How long a round may wait for a notification before it looks again for a
// stop request.
constexpr std::chrono::milliseconds kWaitSlice{100};

}  // namespace

const std::string& PreferredInstance(const std::string& tenant_id, const std::vector<std::string>& live) {
  const std::string* best = &live.front();
  std::uint64_t best_score = StableHash(tenant_id, *best);
  for (const std::string& id : live) {
    const std::uint64_t score = StableHash(tenant_id, id);
    if (score > best_score || (score == best_score && id < *best)) {
      best = &id;
      best_score = score;
    }
  }
  return *best;
}

ClusterMember::ClusterMember(ClusterMemberOptions options, storage::ClusterStore& store, TenantOwnership& ownership,
                             TenantHost& host, const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      ownership_(ownership),
      host_(host),
      clock_(clock),
      tenants_(options_.tenants) {}

ClusterMember::~ClusterMember() { Stop(); }

std::chrono::milliseconds ClusterMember::margin() const {
  // A fifth of the lease, at least 100 ms: room for the renewal's own round
  // trip and for the two clocks' rates to differ.
  return std::max(std::chrono::milliseconds(100), options_.lease / 5);
}

std::int64_t ClusterMember::Deadline(std::int64_t sent_ns) const {
  return sent_ns + std::chrono::nanoseconds(options_.lease - margin()).count();
}

Status ClusterMember::Connect() {
  if (session_) return Status::Ok();
  StatusOr<std::unique_ptr<storage::ClusterSession>> s = store_.Connect();
  if (!s.ok()) return s.status();
  session_ = std::move(s).value();
  if (Status l = session_->Listen(storage::kLeasesChannel); !l.ok()) {
    session_.reset();
    return l;
  }
  return Status::Ok();
}

bool ClusterMember::Connected() { return Connect().ok(); }

Status ClusterMember::Start() {
  ROUTERD_RETURN_IF_ERROR(Connect());
  if (Status s = session_->AnnounceMembership(); !s.ok()) return s;
  // The first round takes what this instance should route; a claim it could
  // not make now (a row locked a moment) is retried by the thread's rounds.
  if (Status s = Round(); !s.ok()) spdlog::warn("cluster: first round incomplete, retrying: {}", s.ToString());
  thread_ = std::thread([this] {
    SetThreadName("rd-cluster");
    Run();
  });
  return Status::Ok();
}

void ClusterMember::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  HandOverAll();
  session_.reset();
}

void ClusterMember::AddTenant(const std::string& tenant_id) {
  {
    std::lock_guard lock(mu_);
    added_.push_back(tenant_id);
  }
  cv_.notify_all();
}

void ClusterMember::Reclaim(const std::string& tenant_id) {
  {
    std::lock_guard lock(mu_);
    reclaims_.push_back(tenant_id);
  }
  cv_.notify_all();
}

void ClusterMember::Run() {
  auto next_round = std::chrono::steady_clock::now() + options_.renew_interval;
  for (;;) {
    std::vector<std::string> reclaims;
    std::vector<std::string> added;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      reclaims.swap(reclaims_);
      added.swap(added_);
    }
    for (std::string& tenant : added) {
      if (std::find(tenants_.begin(), tenants_.end(), tenant) == tenants_.end()) tenants_.push_back(std::move(tenant));
    }
    for (const std::string& tenant : reclaims) {
      auto it = held_.find(tenant);
      if (it == held_.end()) continue;
      const storage::HeldLease lease{tenant, it->second.epoch};
      Drop(tenant, false);
      stats_.reclaims.fetch_add(1, std::memory_order_relaxed);
      // Released, it is free at once: the next round takes it again when this
      // instance still wins it.
      if (Connected()) (void)session_->Release(options_.instance_id, lease);
    }
    bool now = !reclaims.empty() || !added.empty() || std::chrono::steady_clock::now() >= next_round;
    if (!now && Connected()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_round - std::chrono::steady_clock::now());
      StatusOr<std::vector<storage::ClusterNotification>> n =
          session_->Wait(std::clamp(left, std::chrono::milliseconds(1), kWaitSlice));
      if (!n.ok()) {
        session_.reset();  // notifications sent meanwhile are lost: the next round reads the rows
        now = true;
      } else if (!n->empty()) {
        now = true;  // a lease was released, or an instance joined or left
      }
    } else if (!now) {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kWaitSlice);
    }
    StepDownIfPastDeadline();
    if (!now && std::chrono::steady_clock::now() < next_round) continue;
    next_round = std::chrono::steady_clock::now() + options_.renew_interval;
    static FailureLog failures("a cluster round");
    Status s = Status::Ok();
    GuardedCall(failures, [&] { s = Round(); }, [&] { s = Status::Internal("the round failed inside routerd"); });
    if (!s.ok()) {
      stats_.failed_rounds.fetch_add(1, std::memory_order_relaxed);
      static LogLimiter limiter(std::chrono::seconds(10));
      if (limiter.Allow()) spdlog::warn("cluster: round failed: {}", s.ToString());
      if (session_ && s.code() == StatusCode::kUnavailable) session_.reset();
    }
  }
}

void ClusterMember::StepDownIfPastDeadline() {
  if (held_.empty() || clock_.NowNs() < Deadline(last_renew_ns_)) return;
  spdlog::warn("cluster: no lease renewal for {} ms: routing of {} tenant(s) stops here",
               (clock_.NowNs() - last_renew_ns_) / 1'000'000, held_.size());
  std::vector<std::string> tenants;
  for (const auto& [t, h] : held_) tenants.push_back(t);
  for (const std::string& t : tenants) {
    stats_.step_downs.fetch_add(1, std::memory_order_relaxed);
    Drop(t, false);
  }
}

void ClusterMember::Drop(const std::string& tenant_id, bool handover) {
  host_.Deactivate(tenant_id, handover);
  held_.erase(tenant_id);
}

Status ClusterMember::Round() {
  stats_.rounds.fetch_add(1, std::memory_order_relaxed);
  if (!Connected()) return Status::Unavailable("cannot connect to the cluster database");
  const std::int64_t sent_ns = clock_.NowNs();
  ROUTERD_RETURN_IF_ERROR(session_->Heartbeat(options_.instance_id, options_.url, false));
  if (!held_.empty()) {
    std::vector<storage::HeldLease> held;
    for (const auto& [t, h] : held_) held.push_back({t, h.epoch});
    StatusOr<std::vector<storage::HeldLease>> renewed = session_->Renew(options_.instance_id, held, options_.lease);
    if (!renewed.ok()) return renewed.status();
    std::set<std::string> kept;
    for (const storage::HeldLease& l : *renewed) kept.insert(l.tenant_id);
    for (const storage::HeldLease& l : held) {
      if (kept.count(l.tenant_id)) continue;
      spdlog::warn("cluster: the lease of tenant {} (epoch {}) was taken over: routing of it stops here",
                   l.tenant_id, l.epoch);
      stats_.lost.fetch_add(1, std::memory_order_relaxed);
      Drop(l.tenant_id, false);
    }
  }
  last_renew_ns_ = sent_ns;
  ownership_.ExtendHeld(Deadline(sent_ns));

  StatusOr<std::vector<storage::ClusterInstance>> live = session_->LiveInstances(options_.lease);
  if (!live.ok()) return live.status();
  StatusOr<std::vector<storage::TenantLease>> leases = session_->Leases();
  if (!leases.ok()) return leases.status();
  stats_.live_instances.store(live->size(), std::memory_order_relaxed);
  Status claims = Claims(*live, *leases);
  host_.AfterRound();
  return claims;
}

Status ClusterMember::Claims(const std::vector<storage::ClusterInstance>& live,
                             const std::vector<storage::TenantLease>& leases) {
  std::vector<std::string> ids;
  std::map<std::string, std::string> url_of;
  for (const storage::ClusterInstance& i : live) {
    ids.push_back(i.id);
    url_of[i.id] = i.url;
  }
  if (std::find(ids.begin(), ids.end(), options_.instance_id) == ids.end()) ids.push_back(options_.instance_id);
  std::map<std::string, const storage::TenantLease*> lease_of;
  std::map<std::string, std::string> owner_urls;
  for (const storage::TenantLease& l : leases) {
    lease_of[l.tenant_id] = &l;
    auto url = url_of.find(l.owner);
    if (!l.owner.empty() && !l.expired && url != url_of.end()) owner_urls[l.tenant_id] = url->second;
  }
  ownership_.SetOwnerUrls(std::move(owner_urls));

  const std::int64_t now_ns = clock_.NowNs();
  // A claim that fails (a row locked by a stalled owner's transaction, which
  // the server ends after half a lease) does not stop the others: the first
  // error is returned after the round.
  Status first_error;
  for (const std::string& tenant : tenants_) {
    const std::string& winner = PreferredInstance(tenant, ids);
    if (held_.count(tenant)) {
      if (winner != options_.instance_id && url_of.count(winner)) {
        spdlog::info("cluster: handing tenant {} over to instance {}", tenant, winner);
        const std::uint64_t epoch = held_[tenant].epoch;
        Drop(tenant, true);
        stats_.handovers.fetch_add(1, std::memory_order_relaxed);
        ROUTERD_RETURN_IF_ERROR(session_->Release(options_.instance_id, {tenant, epoch}));
      }
      continue;
    }
    auto it = lease_of.find(tenant);
    const bool free = it == lease_of.end() || it->second->owner.empty() || it->second->expired;
    if (!free) {
      free_since_ns_.erase(tenant);
      continue;
    }
    auto [since, fresh] = free_since_ns_.try_emplace(tenant, now_ns);
    const bool abandoned = now_ns - since->second > std::chrono::nanoseconds(options_.lease).count();
    if (winner != options_.instance_id && !abandoned) continue;
    const std::int64_t sent_ns = clock_.NowNs();
    StatusOr<std::optional<std::uint64_t>> claimed = session_->Claim(options_.instance_id, tenant, options_.lease);
    if (!claimed.ok()) {
      if (first_error.ok()) first_error = claimed.status();
      continue;
    }
    if (!claimed->has_value()) continue;  // another instance was quicker
    free_since_ns_.erase(tenant);
    const storage::HeldLease lease{tenant, **claimed};
    Status activated = host_.Activate(*session_, lease, Deadline(sent_ns));
    if (!activated.ok()) {
      spdlog::warn("cluster: tenant {} claimed but not activated, released: {}", tenant, activated.ToString());
      host_.Deactivate(tenant, false);
      if (session_) (void)session_->Release(options_.instance_id, lease);
      if (first_error.ok()) first_error = activated;
      continue;
    }
    held_[tenant] = Held{lease.epoch};
    stats_.claims.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("cluster: routing tenant {} (epoch {})", tenant, lease.epoch);
  }
  return first_error;
}

void ClusterMember::HandOverAll() {
  // Leaving first: the others stop counting this instance before its
  // releases wake them, so they claim what it gives up.
  if (Connected()) {
    (void)session_->Heartbeat(options_.instance_id, options_.url, true);
    (void)session_->AnnounceMembership();
  }
  if (held_.empty()) return;
  std::vector<std::pair<std::string, std::uint64_t>> held;
  for (const auto& [t, h] : held_) held.emplace_back(t, h.epoch);
  for (const auto& [tenant, epoch] : held) {
    Drop(tenant, true);
    stats_.handovers.fetch_add(1, std::memory_order_relaxed);
    if (session_) {
      if (Status s = session_->Release(options_.instance_id, {tenant, epoch}); !s.ok()) {
        spdlog::warn("cluster: tenant {} not released ({}): its lease expires by itself", tenant, s.ToString());
        session_.reset();
      }
    }
  }
  spdlog::info("cluster: {} tenant(s) handed over", held.size());
}

}  // namespace routerd::cluster
