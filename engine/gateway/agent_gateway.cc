#include "engine/gateway/agent_gateway.h"

#include "engine/base/thread_name.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "engine/gateway/agent_ws_session.h"
#include "engine/gateway/gateway_json.h"
#include "engine/gateway/owner_check.h"

namespace routerd::gateway {

AgentGateway::AgentGateway(const config::Config& config, shard::ShardSet& shards, CommandBroker& broker,
                           CapChanges& caps, const Clock& clock, std::chrono::seconds grace,
                           std::size_t outbox_limit)
    : shards_(shards), broker_(broker), caps_(caps), clock_(clock), grace_(grace), outbox_limit_(outbox_limit) {
  // Every start-up tenant in one published version of the index.
  for (const auto& tenant : config.tenants) StageAgents(tenant);
  channels_.Publish();
}

void AgentGateway::AddAgents(const config::TenantConfig& tenant) {
  StageAgents(tenant);
  channels_.Publish();
}

void AgentGateway::StageAgents(const config::TenantConfig& tenant) {
  const std::optional<shard::TenantRef> ref = shards_.directory().FindTenant(tenant.id);
  if (!ref) return;
  Channels* known = channels_.Find(tenant.id);
  if (known == nullptr) known = &channels_.Add(tenant.id);
  Channels& list = *known;
  for (std::size_t i = list.size(); i < tenant.agents.size(); ++i) {
    list.Append([&](std::unique_ptr<AgentChannel>& ch) {
      ch = std::make_unique<AgentChannel>();
      ch->tenant = *ref;
      ch->agent = static_cast<std::uint32_t>(i);
      ch->employee_id = tenant.agents[i].employee_id;
      ch->retired.store(tenant.agents[i].retired, std::memory_order_relaxed);
    });
  }
}

std::size_t AgentGateway::RetireRemovedAgents(const config::TenantConfig& tenant) {
  Channels* known = channels_.Find(tenant.id);
  if (known == nullptr) return 0;
  Channels& list = *known;
  std::vector<std::shared_ptr<AgentWsSession>> opened;
  for (std::size_t i = 0; i < list.size() && i < tenant.agents.size(); ++i) {
    AgentChannel& ch = *list[i];
    const bool retired = tenant.agents[i].retired;
    if (ch.retired.exchange(retired, std::memory_order_acq_rel) == retired || !retired) continue;
    if (auto connection = ResetChannel(ch)) opened.push_back(std::move(connection));
  }
  for (auto& connection : opened) connection->Close(AgentCloseCode::kAgentRemoved);
  return opened.size();
}

AgentGateway::~AgentGateway() { Stop(); }

void AgentGateway::Start() {
  timers_work_.emplace(boost::asio::make_work_guard(timers_));
  timer_thread_ = std::thread([this] {
    SetThreadName("rd-agent-timers");
    timers_.run();
  });
}

void AgentGateway::Stop() {
  if (!timer_thread_.joinable()) return;
  timers_work_.reset();
  timers_.stop();
  timer_thread_.join();
}

void AgentGateway::CloseConnections() {
  closing_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<AgentWsSession>> open;
  for (std::size_t t = 0; t < channels_.size(); ++t) {
    const Channels& list = channels_.at(t);
    for (std::size_t i = 0, n = list.size(); i < n; ++i) {
      AgentChannel& ch = *list[i];
      std::lock_guard lock(ch.mu);
      if (auto connection = ch.connection.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->Close(AgentCloseCode::kShuttingDown);
}

std::size_t AgentGateway::CloseConnectionsOfToken(std::string_view tenant_id, std::uint64_t token_serial) {
  const Channels* list = channels_.Find(tenant_id);
  if (list == nullptr) return 0;
  std::vector<std::shared_ptr<AgentWsSession>> opened;
  for (std::size_t i = 0, n = list->size(); i < n; ++i) {
    AgentChannel* ch = (*list)[i].get();
    std::lock_guard lock(ch->mu);
    auto connection = ch->connection.lock();
    if (connection && connection->principal().token_serial == token_serial) {
      opened.push_back(std::move(connection));
    }
  }
  for (auto& connection : opened) connection->Close(AgentCloseCode::kTokenRevoked);
  return opened.size();
}

std::size_t AgentGateway::CloseTenantConnections(std::string_view tenant_id, std::string_view owner_url) {
  const Channels* list = channels_.Find(tenant_id);
  if (list == nullptr) return 0;
  TenantOwner owner{false, std::nullopt};
  if (!owner_url.empty()) owner.url.emplace(owner_url);
  const std::string reason = OwnerMovedReason(owner);
  std::vector<std::shared_ptr<AgentWsSession>> opened;
  for (std::size_t i = 0, n = list->size(); i < n; ++i) {
    if (auto connection = ResetChannel(*(*list)[i])) opened.push_back(std::move(connection));
  }
  for (auto& connection : opened) connection->Close(AgentCloseCode::kOwnerMoved, reason);
  return opened.size();
}

std::shared_ptr<AgentWsSession> AgentGateway::ResetChannel(AgentChannel& channel) {
  std::lock_guard lock(channel.mu);
  std::shared_ptr<AgentWsSession> connection = channel.connection.lock();
  channel.connection.reset();
  channel.attached = nullptr;
  channel.in_grace = false;
  ++channel.generation;
  channel.missed.clear();
  channel.resume_ready = false;
  channel.last_state = routing::AgentState::kSignedOut;
  return connection;
}

AgentChannel* AgentGateway::Channel(std::string_view tenant_id, std::string_view employee_id) {
  const Channels* list = channels_.Find(tenant_id);
  if (list == nullptr) return nullptr;
  for (std::size_t i = 0, n = list->size(); i < n; ++i) {
    AgentChannel* ch = (*list)[i].get();
    if (ch->employee_id == employee_id) return ch->retired.load(std::memory_order_acquire) ? nullptr : ch;
  }
  return nullptr;
}

AgentChannel* AgentGateway::ChannelFor(const routing::RoutingEvent& e) {
  const Channels* list = channels_.Find(e.tenant_id);
  if (list == nullptr || e.agent >= list->size()) return nullptr;
  return (*list)[e.agent].get();
}

std::size_t AgentGateway::connected() const {
  std::size_t n = 0;
  for (std::size_t t = 0; t < channels_.size(); ++t) {
    const Channels& list = channels_.at(t);
    for (std::size_t i = 0, count = list.size(); i < count; ++i) {
      AgentChannel& ch = *list[i];
      std::lock_guard lock(ch.mu);
      n += !ch.connection.expired();
    }
  }
  return n;
}

bool AgentGateway::Attach(AgentChannel& channel, const std::shared_ptr<AgentWsSession>& session) {
  std::shared_ptr<AgentWsSession> previous;
  std::deque<Message> missed;  // replayed below
  bool resume = false;
  {
    std::lock_guard lock(channel.mu);
    // Checked under the channel's mutex, which CloseConnections takes after
    // setting the flag: a connection either sees it here or is seen there.
    if (closing_.load(std::memory_order_acquire)) return false;
    previous = channel.connection.lock();
    channel.connection = session;
    channel.attached = session.get();
    channel.in_grace = false;
    ++channel.generation;
    missed.swap(channel.missed);
    resume = channel.resume_ready;
    channel.resume_ready = false;
    // Queued under the lock: a live event for this agent (Deliver takes the
    // lock to find the connection) can only come after the replay.
    for (Message& m : missed) session->Send(std::move(m));
  }
  if (previous && previous != session) previous->Close(AgentCloseCode::kReplaced);
  if (resume) SubmitState(channel, routing::AgentCommandType::kReady);
  // Then the agent as the router sees it now.
  std::weak_ptr<AgentWsSession> weak = session;
  const shard::TenantRef ref = channel.tenant;
  const std::uint32_t agent = channel.agent;
  const Clock& clock = clock_;
  shards_.shard(ref.shard).Post([weak, ref, agent, &clock](routing::Router& router) {
    if (auto s = weak.lock()) {
      s->Send(std::make_shared<const std::string>(AgentJson(router.tenant(ref.tenant), agent, "state", clock.NowNs())));
    }
  });
  return true;
}

void AgentGateway::Detach(AgentChannel& channel, const AgentWsSession* session, std::deque<Message> undelivered) {
  std::uint64_t generation;
  bool rest = false;
  {
    std::lock_guard lock(channel.mu);
    // Replaced by a newer connection already, or the channel was reset
    // (CloseTenantConnections): nothing of this connection is kept.
    if (channel.attached != session) return;
    channel.attached = nullptr;
    channel.connection.reset();
    channel.in_grace = true;
    generation = ++channel.generation;
    // What the connection still held goes first, then what comes meanwhile.
    while (!undelivered.empty()) {
      if (channel.missed.size() >= outbox_limit_) {
        counters_.dropped.fetch_add(undelivered.size(), std::memory_order_relaxed);
        break;
      }
      channel.missed.push_front(std::move(undelivered.back()));
      undelivered.pop_back();
    }
    if (channel.last_state == routing::AgentState::kReady && !closing_.load(std::memory_order_acquire)) {
      channel.resume_ready = true;
      rest = true;
    }
  }
  if (rest) SubmitState(channel, routing::AgentCommandType::kNotReady);
  if (grace_.count() == 0) return EndGrace(channel, generation);
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, grace_);
  timer->async_wait([this, timer, &channel, generation](const boost::system::error_code& ec) {
    if (!ec) EndGrace(channel, generation);
  });
}

void AgentGateway::BeginRecoveredGrace(AgentChannel& channel) {
  if (grace_.count() == 0) return;  // no grace: the daemon restores such sessions as waiting
  std::uint64_t generation;
  {
    std::lock_guard lock(channel.mu);
    if (channel.in_grace || channel.connection.lock()) return;
    channel.in_grace = true;
    channel.resume_ready = false;
    generation = ++channel.generation;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, grace_);
  timer->async_wait([this, timer, &channel, generation](const boost::system::error_code& ec) {
    if (!ec) EndGrace(channel, generation);
  });
}

void AgentGateway::Notify(std::string_view tenant_id, std::string_view employee_id, std::string json) {
  AgentChannel* channel = Channel(tenant_id, employee_id);
  if (channel == nullptr) return;
  Deliver(*channel, std::make_shared<const std::string>(std::move(json)));
}

void AgentGateway::EndGrace(AgentChannel& channel, std::uint64_t generation) {
  {
    std::lock_guard lock(channel.mu);
    if (!channel.in_grace || channel.generation != generation) return;  // came back in time
    channel.missed.clear();
    channel.resume_ready = false;
  }
  counters_.grace_sign_outs.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("agent {}/{} did not reconnect within {} s: signing out", channel.tenant.config->id,
               channel.employee_id, grace_.count());
  SubmitSignOut(channel, generation);
}

void AgentGateway::SubmitSignOut(AgentChannel& channel, std::uint64_t generation) {
  routing::AgentCommand sign_out;
  sign_out.type = routing::AgentCommandType::kSignOut;
  sign_out.target = channel.agent;
  broker_.Submit(channel.tenant, sign_out, [this, &channel, generation](StatusCode code, std::string_view) {
    if (code != StatusCode::kResourceExhausted) {
      std::lock_guard lock(channel.mu);
      if (channel.generation == generation) channel.in_grace = false;
      return;
    }
    // The router's command queue was full: try again shortly, unless the
    // agent came back meanwhile.
    auto timer = std::make_shared<boost::asio::steady_timer>(timers_, std::chrono::seconds(1));
    timer->async_wait([this, timer, &channel, generation](const boost::system::error_code& ec) {
      if (ec) return;
      {
        std::lock_guard lock(channel.mu);
        if (channel.generation != generation) return;
      }
      SubmitSignOut(channel, generation);
    });
  });
}

void AgentGateway::SubmitState(AgentChannel& channel, routing::AgentCommandType type) {
  routing::AgentCommand command;
  command.type = type;
  command.target = channel.agent;
  broker_.Submit(channel.tenant, command, [](StatusCode, std::string_view) {});
}

void AgentGateway::Deliver(AgentChannel& channel, Message message) {
  std::shared_ptr<AgentWsSession> connection;
  {
    std::lock_guard lock(channel.mu);
    connection = channel.connection.lock();
    if (!connection) {
      if (!channel.in_grace) {
        // Not connected: the agent reads its sessions over REST.
        counters_.dropped.fetch_add(1, std::memory_order_relaxed);
        return;
      }
      if (channel.missed.size() >= outbox_limit_) {
        channel.missed.pop_front();
        counters_.dropped.fetch_add(1, std::memory_order_relaxed);
      }
      channel.missed.push_back(std::move(message));
      counters_.buffered.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  connection->Send(std::move(message));
  counters_.delivered.fetch_add(1, std::memory_order_relaxed);
}

void AgentGateway::OnRoutingEvents(std::span<routing::RoutingEvent> events) {
  for (const routing::RoutingEvent& e : events) {
    if (e.type == routing::RoutingEventType::kAgentState) {
      if (AgentChannel* channel = ChannelFor(e)) {
        std::lock_guard lock(channel->mu);
        channel->last_state = e.agent_state;
      }
    }
    std::string json;
    switch (e.type) {
      case routing::RoutingEventType::kAssigned: json = AssignedJson(e); break;
      case routing::RoutingEventType::kMessage: json = MessageJson(e); break;
      case routing::RoutingEventType::kSessionEnded: json = SessionEndedJson(e); break;
      case routing::RoutingEventType::kAgentState: json = StateJsonFromEvent(e); break;
      default: continue;
    }
    if (AgentChannel* channel = ChannelFor(e)) Deliver(*channel, std::make_shared<const std::string>(std::move(json)));
  }
}

}  // namespace routerd::gateway
