// /api/v1/messages/{id}/call: the call-back of a message in Processing, and
// the idle rule that process and call share. Part of LeaveMessageApi.
#include <atomic>
#include <utility>

#include "engine/leave/agent_idle.h"
#include "engine/leave/contact_number.h"
#include "engine/leave/leave_api_common.h"
#include "engine/leave/leave_json.h"
#include "engine/leave/leave_message_api.h"

namespace routerd::leave {
namespace {

using config::LeaveOperation;
using http::HttpRequest;
using http::HttpResponse;
using http::HttpStatus;
using namespace api;  // NOLINT: the handlers' shared vocabulary

std::atomic<std::uint64_t> call_sequence{0};

}  // namespace

Status LeaveMessageApi::CheckMayAct(const gateway::Principal& who, const StoredLeaveMessage& m,
                                    std::string& detail) const {
  if (!m.employee_id) return Status::FailedPrecondition("message " + std::to_string(m.id) + " is not allocated");
  if (who.admin()) {
    // An administrator acts for the agent, whatever the agent is doing; the
    // history says so.
    detail = OnBehalfDetail(*m.employee_id);
    return Status::Ok();
  }
  std::optional<AgentActivity> activity;
  if (hooks_.agent_activity) activity = hooks_.agent_activity(who.tenant->id, who.employee_id);
  return CheckAgentIdle(who.employee_id, activity,
                        static_cast<std::uint32_t>(who.tenant->dialer.idle_max_active_sessions));
}

LeaveMessageApi::Response LeaveMessageApi::Call(const HttpRequest& request, std::int64_t id,
                                                const gateway::Principal& who, const Deferrer& defer) {
  // Calling the customer back is part of processing the message.
  if (!Allowed(who, LeaveOperation::kProcess)) return NoPermission(who, LeaveOperation::kProcess);
  auto body = ParseBody(request, {}, true);
  if (auto* err = std::get_if<HttpResponse>(&body)) return std::move(*err);
  Reply reply = defer();
  reads_->Post([this, id, who, reply] {
    const std::string& tenant = who.tenant->id;
    StatusOr<StoredLeaveMessage> m = store_.Get(tenant, id);
    if (!m.ok()) return reply(ErrorResponse(m.status()));
    if (!Visible(who, *m)) return reply(Forbidden("message " + std::to_string(id) + " is not allocated to this agent"));
    if (m->status != LeaveStatus::kProcessing) {
      return reply(Conflict("cannot call: the message's current status is \"" +
                            std::string(LeaveStatusName(m->status)) + "\"; call needs \"processing\""));
    }
    if (ContactNumberType(*m) != "phone") {
      return reply(Conflict("cannot call: the contact number is a " + std::string(ContactNumberType(*m)) +
                            ", not a phone number"));
    }
    if (who.tenant->dialer.url.empty() || !hooks_.request_call) {
      return reply(Conflict("cannot call: no telephony is configured for this tenant ([tenants.dialer] url)"));
    }
    std::string on_behalf;
    if (Status may = CheckMayAct(who, *m, on_behalf); !may.ok()) return reply(ErrorResponse(may));

    CallRequest call;
    call.tenant_id = tenant;
    call.message_id = id;
    call.call_id = "c" + std::to_string(id) + "-" + std::to_string(clock_.WallMs()) + "-" +
                   std::to_string(call_sequence.fetch_add(1) + 1);
    call.employee_id = *m->employee_id;
    call.business_account = m->business_account.value_or("");
    call.contact_number = m->customer_id;
    call.requested_by = who.name;
    std::string detail = CallAuditDetail(call.call_id, "employee_id=" + call.employee_id +
                                                           " business_account=" + call.business_account);
    if (!on_behalf.empty()) detail += " " + on_behalf;
    // Recorded first, then asked for: the history never misses a call that
    // was placed. A request the dialer cannot take is recorded as failed.
    auto request_call = hooks_.request_call;
    LeaveRepository* store = &store_;
    Status s = store_.RecordAuditAsync(
        tenant, id, LeaveAudit::kCallRequested, std::move(detail), ActorOf(who),
        [reply, request_call, store, reads = reads_, call, show_contact = SeesContact(who), actor = ActorOf(who)](
            StatusOr<StoredLeaveMessage> r) mutable {
          if (!r.ok()) return reply(ErrorResponse(r.status()));
          Status asked = request_call(call);
          if (!asked.ok()) {
            // Not from this (the writer's) thread: the store is asked from others.
            reads->Post([store, call, actor, why = asked.message()]() mutable {
              Status recorded = store->RecordAuditAsync(call.tenant_id, call.message_id, LeaveAudit::kCallFailed,
                                                        CallAuditDetail(call.call_id, why), std::move(actor),
                                                        [](StatusOr<StoredLeaveMessage>) {});
              (void)recorded;  // the caller was already told the call failed
            });
            return reply(ErrorResponse(asked));
          }
          std::string out = "{\"call_id\":";
          http::AppendJsonString(out, call.call_id);
          out += ",\"message\":" + MessageJson(*r, nullptr, show_contact) + "}";
          reply(Json(HttpStatus::accepted, std::move(out)));
        });
    if (!s.ok()) reply(ErrorResponse(s));
  }, Answer500(reply));
  return std::nullopt;
}

}  // namespace routerd::leave
