#include "engine/leave/leave_message_allocator.h"

#include "engine/base/thread_name.h"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "engine/leave/allocation_rule.h"
#include "engine/leave/leave_json.h"

namespace routerd::leave {
namespace {

using leave::LeaveStatus;

struct Candidate {
  const config::AgentConfig* agent;
  std::uint64_t open = 0;  // Unprocessed + Processing allocated to it
};

bool InQueue(const config::AgentConfig& agent, const std::string& queue) {
  return std::find(agent.skill_queues.begin(), agent.skill_queues.end(), queue) != agent.skill_queues.end();
}

}  // namespace

LeaveMessageAllocator::LeaveMessageAllocator(const config::Config& config, leave::LeaveRepository& store,
                                             SignedIn signed_in, Notifier notify, AllocatorOptions options)
    : config_(config),
      store_(store),
      signed_in_(std::move(signed_in)),
      notify_(std::move(notify)),
      options_(options) {}

LeaveMessageAllocator::~LeaveMessageAllocator() { Stop(); }

void LeaveMessageAllocator::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  kicked_ = true;  // messages left from before a restart
  thread_ = std::thread([this] {
    SetThreadName("rd-allocator");
    Run();
  });
}

void LeaveMessageAllocator::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void LeaveMessageAllocator::Kick() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    kicked_ = true;
  }
  cv_.notify_one();
}

void LeaveMessageAllocator::OnAgentSignedIn(const std::string& tenant_id, const std::string& employee_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rearm_.emplace_back(tenant_id, employee_id);
  }
  cv_.notify_one();
}

void LeaveMessageAllocator::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                 [this] { return stopping_ || kicked_ || !rearm_.empty(); });
    if (stopping_) return;
    std::vector<std::pair<std::string, std::string>> rearm;
    rearm.swap(rearm_);
    kicked_ = false;
    lock.unlock();
    for (const auto& [tenant, employee] : rearm) Rearm(tenant, employee);
    RunPass();
    lock.lock();
  }
}

std::vector<std::shared_ptr<const config::TenantConfig>> LeaveMessageAllocator::TenantsInEffect() const {
  if (options_.tenants_in_effect) return options_.tenants_in_effect();
  std::vector<std::shared_ptr<const config::TenantConfig>> out;
  for (const config::TenantConfig& startup : config_.tenants) {
    // Owns nothing: the start-up configuration outlives the allocator.
    out.emplace_back(std::shared_ptr<const config::TenantConfig>(), &startup);
  }
  return out;
}

AllocationResult LeaveMessageAllocator::RunPass() {
  AllocationResult result;
  for (const std::shared_ptr<const config::TenantConfig>& tenant : TenantsInEffect()) {
    if (options_.routes_tenant && !options_.routes_tenant(tenant->id)) continue;
    for (const config::SkillQueueConfig& queue : tenant->skill_queues) {
      if (queue.auto_allocate && !queue.retired) AllocateQueue(*tenant, queue, LeaveStatus::kToBeAllocated, result);
    }
  }
  return result;
}

AllocationResult LeaveMessageAllocator::Rearm(const std::string& tenant_id, const std::string& employee_id) {
  AllocationResult result;
  for (const std::shared_ptr<const config::TenantConfig>& tenant : TenantsInEffect()) {
    if (tenant->id != tenant_id) continue;
    if (options_.routes_tenant && !options_.routes_tenant(tenant->id)) continue;
    for (const config::AgentConfig& agent : tenant->agents) {
      if (agent.employee_id != employee_id) continue;
      for (const config::SkillQueueConfig& queue : tenant->skill_queues) {
        if (queue.auto_allocate && !queue.retired && InQueue(agent, queue.id)) {
          AllocateQueue(*tenant, queue, LeaveStatus::kAllocationFailed, result);
        }
      }
    }
  }
  return result;
}

void LeaveMessageAllocator::AllocateQueue(const config::TenantConfig& tenant, const config::SkillQueueConfig& queue,
                                          LeaveStatus from, AllocationResult& result) {
  // The messages first, oldest first; allocating them changes their status,
  // so paging over the status filter while allocating would skip some.
  std::vector<leave::StoredLeaveMessage> messages;
  leave::LeaveQuery q;
  q.status = from;
  q.skill_queue = queue.id;
  q.oldest_first = true;
  q.page_size = leave::kMaxLeavePageSize;
  for (;;) {
    StatusOr<leave::LeavePage> page = store_.Query(tenant.id, q);
    if (!page.ok()) {
      spdlog::warn("leave allocation: query of queue {} (tenant {}) failed: {}", queue.id, tenant.id,
                   page.status().ToString());
      return;
    }
    for (auto& m : page->items) messages.push_back(std::move(m));
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  if (messages.empty()) return;

  std::vector<Candidate> candidates;
  for (const config::AgentConfig& agent : tenant.agents) {
    if (agent.retired || !InQueue(agent, queue.id)) continue;
    if (signed_in_ && !signed_in_(tenant.id, agent.employee_id)) continue;
    Candidate c{&agent};
    for (LeaveStatus open : {LeaveStatus::kUnprocessed, LeaveStatus::kProcessing}) {
      leave::LeaveQuery count;
      count.employee_id = agent.employee_id;
      count.status = open;
      count.page_size = 1;
      StatusOr<leave::LeavePage> page = store_.Query(tenant.id, count);
      if (page.ok()) c.open += page->total;
    }
    candidates.push_back(c);
  }

  for (const leave::StoredLeaveMessage& m : messages) {
    Candidate* best = nullptr;
    for (Candidate& c : candidates) {
      if (!CheckAllocationTarget(m.channel_kind, *c.agent).ok()) continue;
      if (best == nullptr || c.open < best->open) best = &c;
    }
    if (best == nullptr) {
      if (from != LeaveStatus::kToBeAllocated) continue;  // still no agent: stays Allocation failed
      StatusOr<leave::StoredLeaveMessage> r =
          store_.MarkAllocationFailed(tenant.id, m.id, leave::Actor{kActor, {}});
      if (r.ok()) ++result.failed;
      continue;
    }
    StatusOr<leave::StoredLeaveMessage> r = store_.Allocate(tenant.id, m.id, best->agent->employee_id,
                                                              best->agent->business_account, leave::Actor{kActor, {}});
    if (!r.ok()) {
      // FailedPrecondition: allocated by hand meanwhile. Anything else is logged
      // and retried by the next pass.
      if (r.status().code() != StatusCode::kFailedPrecondition) {
        spdlog::warn("leave allocation of message {} failed: {}", m.id, r.status().ToString());
      }
      continue;
    }
    ++best->open;
    ++result.allocated;
    if (notify_) {
      // The agent sees the number only if its role may (view_contact).
      const bool show_contact =
          tenant.permissions.Allows(config::TokenConfig::Role::kAgent, config::LeaveOperation::kViewContact);
      notify_(tenant.id, best->agent->employee_id, AllocatedEventJson(*r, show_contact));
    }
  }
}

}  // namespace routerd::leave
