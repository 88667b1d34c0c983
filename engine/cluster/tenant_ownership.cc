#include "engine/cluster/tenant_ownership.h"

namespace routerd::cluster {

TenantOwnership::TenantOwnership(const config::Config& config, const Clock& clock)
    : enabled_(config.cluster.enabled), self_url_(config.cluster.advertise_url), clock_(clock) {
  for (const config::TenantConfig& t : config.tenants) tenants_.Add(t.id, t.id);
  tenants_.Publish();
}

void TenantOwnership::AddTenant(const std::string& tenant_id) {
  if (tenants_.Find(tenant_id) != nullptr) return;
  tenants_.Add(tenant_id, tenant_id);
  tenants_.Publish();
}

const TenantOwnership::Entry* TenantOwnership::Find(std::string_view tenant_id) const {
  return tenants_.Find(tenant_id);
}

TenantOwnership::Entry* TenantOwnership::Find(std::string_view tenant_id) { return tenants_.Find(tenant_id); }

std::uint64_t TenantOwnership::Epoch(std::string_view tenant_id) const {
  if (!enabled_) return 0;
  const Entry* e = Find(tenant_id);
  if (e == nullptr) return 0;
  const std::uint64_t epoch = e->epoch.load(std::memory_order_acquire);
  if (epoch == 0 || clock_.NowNs() >= e->valid_until_ns.load(std::memory_order_acquire)) return 0;
  return epoch;
}

bool TenantOwnership::RoutedHere(std::string_view tenant_id) const { return !enabled_ || Epoch(tenant_id) != 0; }

bool TenantOwnership::HeldAt(std::string_view tenant_id, std::uint64_t epoch) const {
  if (!enabled_) return true;
  return epoch != 0 && Epoch(tenant_id) == epoch;
}

std::optional<std::string> TenantOwnership::OwnerUrl(std::string_view tenant_id) const {
  if (!enabled_ || Epoch(tenant_id) != 0) return self_url_;
  std::lock_guard lock(mu_);
  auto it = owner_urls_.find(tenant_id);
  if (it == owner_urls_.end() || it->second == self_url_) return std::nullopt;
  return it->second;
}

std::size_t TenantOwnership::owned() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < tenants_.size(); ++i) n += Epoch(tenants_.at(i).id) != 0;
  return n;
}

std::vector<std::pair<std::string, std::uint64_t>> TenantOwnership::Held() const {
  std::vector<std::pair<std::string, std::uint64_t>> held;
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    const std::string& id = tenants_.at(i).id;
    if (const std::uint64_t epoch = Epoch(id); epoch != 0) held.emplace_back(id, epoch);
  }
  return held;
}

void TenantOwnership::Publish(std::string_view tenant_id, std::uint64_t epoch, std::int64_t valid_until_ns) {
  Entry* e = Find(tenant_id);
  if (e == nullptr) return;
  e->valid_until_ns.store(valid_until_ns, std::memory_order_release);
  e->epoch.store(epoch, std::memory_order_release);
}

void TenantOwnership::Withdraw(std::string_view tenant_id) {
  Entry* e = Find(tenant_id);
  if (e == nullptr) return;
  e->epoch.store(0, std::memory_order_release);
}

void TenantOwnership::ExtendHeld(std::int64_t valid_until_ns) {
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    Entry& e = tenants_.at(i);
    if (e.epoch.load(std::memory_order_acquire) != 0) e.valid_until_ns.store(valid_until_ns, std::memory_order_release);
  }
}

void TenantOwnership::SetOwnerUrls(std::map<std::string, std::string> urls) {
  std::map<std::string, std::string, std::less<>> sorted(urls.begin(), urls.end());
  std::lock_guard lock(mu_);
  owner_urls_.swap(sorted);
}

}  // namespace routerd::cluster
