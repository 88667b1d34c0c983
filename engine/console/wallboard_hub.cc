#include "engine/console/wallboard_hub.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace routerd::console {

WallboardHub::WallboardHub(const config::Config& config, shard::ShardSet& shards, const Clock& clock,
                           WallboardOptions options)
    : config_(config),
      shards_(shards),
      clock_(clock),
      options_(options),
      work_(io_.get_executor()),
      watch_timer_(io_),
      heartbeat_timer_(io_),
      last_inputs_(shards.size(), 0) {
  tenants_of_shard_.resize(shards.size());
  for (const config::TenantConfig& t : config_.tenants) {
    if (const Tenant* added = Add(t)) tenants_of_shard_[added->ref.shard].push_back(added->index);
  }
  tenants_.Publish();
}

const WallboardHub::Tenant* WallboardHub::Add(const config::TenantConfig& t) {
  const std::optional<shard::TenantRef> ref = shards_.directory().FindTenant(t.id);
  if (!ref || tenants_.Find(t.id) != nullptr) return nullptr;
  const auto index = static_cast<std::uint32_t>(tenants_.added());
  Tenant& tenant = tenants_.Add(t.id, t.skill_queues.size(), options_);
  tenant.index = index;
  tenant.config = &t;
  tenant.ref = *ref;
  for (const config::SkillQueueConfig& q : t.skill_queues) tenant.queue_ids.push_back(q.id);
  return &tenant;
}

void WallboardHub::AddTenant(const config::TenantConfig& tenant) {
  const Tenant* added = Add(tenant);
  if (added == nullptr) return;
  tenants_.Publish();
  // Sampled from the next heartbeat on (the list is the hub thread's).
  boost::asio::post(io_, [this, shard = added->ref.shard, index = added->index] {
    tenants_of_shard_[shard].push_back(index);
  });
}

WallboardHub::~WallboardHub() { Stop(); }

void WallboardHub::Start() {
  if (thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    // A first sample, so that the history starts with the daemon.
    Capture({}, true);
    ArmHeartbeat();
  });
  thread_ = std::thread([this] { io_.run(); });
}

void WallboardHub::Stop() {
  std::vector<std::shared_ptr<WallboardSession>> open;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    for (auto& [key, c] : connections_) {
      if (auto s = c.session.lock()) open.push_back(std::move(s));
    }
    connections_.clear();
  }
  for (auto& s : open) s->Close();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  // A capture still queued on a shard finds the hub gone; one running now
  // is waited for.
  std::lock_guard lock(lifetime_->mu);
  lifetime_->alive = false;
}

void WallboardHub::MarkDirty(std::string_view tenant_id) {
  if (Tenant* t = tenants_.Find(tenant_id)) t->dirty.store(true, std::memory_order_relaxed);
}

bool WallboardHub::Attach(const std::shared_ptr<WallboardSession>& session) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  connections_[session.get()] = Connection{session, -1};
  return true;
}

bool WallboardHub::Subscribe(const WallboardSession* session, std::string_view tenant_id, std::uint64_t token_serial) {
  const Tenant* found = tenants_.Find(tenant_id);
  if (found == nullptr) return false;
  const std::uint32_t t = found->index;
  {
    std::lock_guard lock(mu_);
    auto c = connections_.find(session);
    if (c == connections_.end()) return false;
    c->second.token_serial = token_serial;
    if (c->second.tenant == static_cast<int>(t)) return true;
    if (c->second.tenant >= 0) --tenants_.at(c->second.tenant).watchers;
    c->second.tenant = static_cast<int>(t);
    ++tenants_.at(t).watchers;
  }
  boost::asio::post(io_, [this, t] {
    // The newcomer's first snapshot now; one in flight reaches it as well.
    if (!tenants_.at(t).in_flight) Capture({t}, false);
    if (!watching_) ArmWatch();
  });
  return true;
}

void WallboardHub::CloseToken(std::string_view tenant_id, std::uint64_t token_serial) {
  const Tenant* t = tenants_.Find(tenant_id);
  if (t == nullptr || token_serial == 0) return;
  std::vector<std::shared_ptr<WallboardSession>> opened;
  {
    std::lock_guard lock(mu_);
    for (auto& [session, c] : connections_) {
      if (c.tenant != static_cast<int>(t->index) || c.token_serial != token_serial) continue;
      if (auto s = c.session.lock()) opened.push_back(std::move(s));
    }
  }
  for (auto& s : opened) s->Revoked();
}

std::size_t WallboardHub::CloseTenant(std::string_view tenant_id, const std::string& reason) {
  const Tenant* t = tenants_.Find(tenant_id);
  if (t == nullptr) return 0;
  std::vector<std::shared_ptr<WallboardSession>> opened;
  {
    std::lock_guard lock(mu_);
    for (auto& [session, c] : connections_) {
      if (c.tenant != static_cast<int>(t->index)) continue;
      if (auto s = c.session.lock()) opened.push_back(std::move(s));
    }
  }
  for (auto& s : opened) s->Moved(reason);
  return opened.size();
}

void WallboardHub::Detach(const WallboardSession* session) {
  std::lock_guard lock(mu_);
  auto c = connections_.find(session);
  if (c == connections_.end()) return;
  if (c->second.tenant >= 0) --tenants_.at(c->second.tenant).watchers;
  connections_.erase(c);
}

std::size_t WallboardHub::connections() const {
  std::lock_guard lock(mu_);
  return connections_.size();
}

std::vector<std::uint32_t> WallboardHub::Watched() const {
  std::vector<std::uint32_t> watched;
  std::lock_guard lock(mu_);
  for (std::uint32_t t = 0; t < tenants_.size(); ++t) {
    if (tenants_.at(t).watchers > 0) watched.push_back(t);
  }
  return watched;
}

void WallboardHub::ArmWatch() {
  watching_ = true;
  watch_timer_.expires_after(options_.min_interval);
  watch_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) WatchTick();
  });
}

void WallboardHub::WatchTick() {
  watching_ = false;
  const std::vector<std::uint32_t> watched = Watched();
  if (watched.empty()) return;  // idle until the next Subscribe
  std::vector<bool> shard_changed(shards_.size(), false);
  for (std::uint32_t s = 0; s < shards_.size(); ++s) {
    const std::uint64_t inputs = shards_.shard(s).counters().inputs.load(std::memory_order_relaxed);
    shard_changed[s] = inputs != last_inputs_[s];
    last_inputs_[s] = inputs;
  }
  std::vector<std::uint32_t> due;
  for (std::uint32_t t : watched) {
    Tenant& tenant = tenants_.at(t);
    const bool changed = tenant.dirty.exchange(false, std::memory_order_relaxed) || shard_changed[tenant.ref.shard];
    if (!changed) continue;
    if (tenant.in_flight) {
      tenant.dirty.store(true, std::memory_order_relaxed);  // the next round takes it
      continue;
    }
    due.push_back(t);
  }
  if (!due.empty()) Capture(due, false);
  ArmWatch();
}

void WallboardHub::ArmHeartbeat() {
  heartbeat_timer_.expires_after(options_.heartbeat);
  heartbeat_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) HeartbeatTick();
  });
}

void WallboardHub::HeartbeatTick() {
  std::vector<std::uint32_t> due;
  for (std::uint32_t t : Watched()) {
    if (tenants_.at(t).in_flight) continue;
    tenants_.at(t).dirty.store(false, std::memory_order_relaxed);
    due.push_back(t);
  }
  Capture(due, true);
  ArmHeartbeat();
}

void WallboardHub::Capture(const std::vector<std::uint32_t>& full, bool sample_all) {
  for (std::uint32_t s = 0; s < shards_.size(); ++s) {
    std::vector<std::uint32_t> mine;
    for (std::uint32_t t : full) {
      if (tenants_.at(t).ref.shard == s) mine.push_back(t);
    }
    if (mine.empty() && (!sample_all || tenants_of_shard_[s].empty())) continue;
    for (std::uint32_t t : mine) tenants_.at(t).in_flight = true;
    std::vector<std::uint32_t> which = sample_all ? tenants_of_shard_[s] : mine;
    shards_.shard(s).Post([this, lifetime = lifetime_, which = std::move(which),
                           mine = std::move(mine)](routing::Router& router) {
      std::lock_guard alive(lifetime->mu);
      if (!lifetime->alive) return;
      const std::int64_t now_ns = clock_.NowNs();
      const std::int64_t at_ms = clock_.WallMs();
      auto results = std::make_shared<std::vector<Captured>>();
      results->reserve(which.size());
      for (std::uint32_t t : which) {
        const Tenant& tenant = tenants_.at(t);
        const routing::TenantRouter& state = router.tenant(tenant.ref.tenant);
        Captured c;
        c.tenant = t;
        if (std::find(mine.begin(), mine.end(), t) != mine.end()) {
          // Names and OUs as in effect: a reload may have changed them.
          TenantCapture capture = CaptureTenant(state, *shards_.tenant_configs().Get(tenant.config->id), now_ns);
          c.full = true;
          c.members = std::move(capture.members);
          c.waiting = std::move(capture.waiting);
          c.queue_ids = std::move(capture.queue_ids);
        } else {
          c.waiting = WaitingCounts(state);
        }
        results->push_back(std::move(c));
      }
      boost::asio::post(io_, [this, at_ms, results] { OnCaptured(at_ms, *results); });
    });
  }
}

void WallboardHub::OnCaptured(std::int64_t at_ms, std::vector<Captured>& results) {
  for (Captured& c : results) {
    Tenant& tenant = tenants_.at(c.tenant);
    tenant.history.Record(at_ms, c.waiting);
    if (!c.full) continue;
    tenant.in_flight = false;
    tenant.queue_ids = std::move(c.queue_ids);
    auto frame = std::make_shared<const std::string>(
        SnapshotJson(tenant.config->id, at_ms, c.members, tenant.history, tenant.queue_ids));
    Publish(c.tenant, frame);
  }
}

void WallboardHub::Publish(std::uint32_t tenant, const Frame& frame) {
  std::vector<std::shared_ptr<WallboardSession>> watchers;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, c] : connections_) {
      if (c.tenant != static_cast<int>(tenant)) continue;
      if (auto s = c.session.lock()) watchers.push_back(std::move(s));
    }
  }
  for (auto& s : watchers) s->Send(frame);
}

}  // namespace routerd::console
