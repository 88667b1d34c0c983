// The JSON the agent gateway and the REST API speak (documented in
// docs/agent-api.md). Pure functions: routing facts in, JSON text out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/routing/routing_events.h"
#include "engine/routing/tenant_router.h"
#include "routerd/contact.h"

namespace routerd::gateway {

// {"id":...,"text":...,"sent_at_ms":...,"attachments":[...]}
void AppendMessage(std::string& out, const Contact& c);
// Server-to-agent messages rendered from router events.
std::string AssignedJson(const routing::RoutingEvent& e);
std::string MessageJson(const routing::RoutingEvent& e);
std::string SessionEndedJson(const routing::RoutingEvent& e);
std::string StateJsonFromEvent(const routing::RoutingEvent& e);
// The agent as the router sees it now: state (and why not ready), cap and
// origin, skills, its sessions and after-contact work. `type` is "state" for the
// WebSocket message, empty for a REST body.
// Per-channel-kind access: ,"channel_kinds":[{"kind","in_use","effective_cap",
// "cap_origin"[,"cap_origin_ou"]}] with in_use the agent's sessions and
// after-contact work of that kind; nothing in unified access.
void AppendChannelKindCaps(std::string& out, const routing::TenantRouter& tenant,
                           const routing::AgentView& view);
// An agent as configured, the fields only (the caller writes the braces):
// "employee_id","name","business_account","agent_type","ou","skill_queues":[..].
void AppendConfiguredAgent(std::string& out, const config::AgentConfig& agent);
// "personal_settings":{"agent_sets_cap","agent_cap_min","agent_cap_max"}: what
// an agent of the tenant may set for itself.
void AppendPersonalSettings(std::string& out, const config::PersonalSettings& personal);
std::string AgentJson(const routing::TenantRouter& tenant, std::uint32_t agent, std::string_view type,
                      std::int64_t now_ns);
// An ended session's trace as it is kept, in memory or in storage: its id,
// channel, customer and hops, nothing that depends on when it is read.
// nullopt when the router no longer holds the session's trace.
std::optional<std::string> EndedSessionTrace(const routing::TenantRouter& tenant, std::uint64_t session_id);
// The API's answer for an ended session: `trace` (EndedSessionTrace's object)
// with how long ago it ended first.
std::string EndedSessionJson(std::string_view trace, std::int64_t ended_ms_ago);
// "<key>":{"<skill>":<level>,...}
void AppendSkillLevels(std::string& out, std::string_view key, const config::SkillLevels& skills);
// A session with its messages and route trace.
std::string SessionJson(const routing::TenantRouter& tenant, const routing::SessionView& s,
                        bool with_messages, std::int64_t now_ns);
// "statistics":{...}: a queue's counts since start, its service level and
// its wait and handle times (average, and the bucket bound of the 50th and
// 90th percentiles); null where nothing was recorded yet.
void AppendQueueStatistics(std::string& out, const routing::QueueStatistics& s);
// {"type":"ack","id":<id>} / {"type":"error","id":<id>,"error":...,"detail":...}; `raw_id` is the
// request's id as JSON text (number or string), or empty.
std::string AckJson(std::string_view raw_id);
std::string ErrorJson(std::string_view raw_id, std::string_view error, std::string_view detail);

}  // namespace routerd::gateway
