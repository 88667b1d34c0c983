// LeaveMessageApi: /api/v1/messages, leave-message management
// (docs/agent-api.md "Leave messages").
//
//   GET  /api/v1/messages                 query (filters, paging, newest first)
//   POST /api/v1/messages                 voice message from an IVR (multipart)
//   GET  /api/v1/messages/{id}            one message with its history
//   POST /api/v1/messages/{id}/allocate   {"employee_id"}
//   POST /api/v1/messages/{id}/process    (the agent must be idle, agent_idle.h)
//   POST /api/v1/messages/{id}/call       a call-back of a message in processing (dialer.h)
//   POST /api/v1/messages/{id}/submit     {"handling_comments"}
//   GET  /api/v1/messages/{id}/download   the attachment (audited: download / download_failed)
//   GET  /api/v1/messages/{id}/play       the voice file, inline (audited: play / play_failed)
//
// Each operation needs its permission for the caller's role
// ([tenants.permissions], config.h LeavePermissions): 403 otherwise. An agent
// token sees and acts on only messages allocated to it. Another tenant's id is
// 404, exactly like an unknown one.
// A role without the view_contact right gets contact numbers masked in every
// answer (leave_json.h MaskContactNumber): personal data it may not see never
// leaves the server.
//
// Threads: Handle validates the request on the I/O thread and answers every
// store operation later (deferred). Writes go to the store's *Async methods
// and answer from their journal completion; reads (queries, get, the voice
// file of a download) run on this object's own worker thread, so neither an
// I/O thread nor the journal writer ever waits on disk for them.
//
// Thread safety: Handle from any I/O thread. Destroy after the HTTP server has
// stopped; completions still in the journal then answer on the writer thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/http/http_message.h"
#include "engine/http/request_handler.h"
#include "engine/leave/agent_idle.h"
#include "engine/leave/dialer.h"
#include "engine/leave/task_thread.h"
#include "engine/leave/leave_repository.h"
#include "routerd/clock.h"

namespace routerd::leave {

class LeaveMessageApi {
 public:
  // Answers a deferred request; called exactly once, from any thread.
  using Reply = std::function<void(http::HttpResponse)>;
  // Called during Handle when the answer will come later (RequestContext::Defer).
  using Deferrer = std::function<Reply()>;
  // (tenant id, employee id, {"type":"leave_message_allocated",...}).
  using Notifier = std::function<void(const std::string&, const std::string&, std::string)>;
  // A message was created through this API and committed (writer thread; be quick).
  using CreatedHook = std::function<void(const leave::StoredLeaveMessage&)>;

  // Hands a call-back to the dialer (Dialer::Request); never blocks.
  using CallRequester = std::function<Status(CallRequest)>;

  struct Hooks {
    Notifier notify_allocated;  // optional: manual allocations tell the agent
    CreatedHook on_created;     // optional: e.g. LeaveMessageAllocator::Kick
    // What the router last reported of an agent, for the idle rule of process
    // and call. Without it every agent reads as unknown, so an agent token
    // can neither process nor call (administrators still can, for an agent).
    AgentActivityLookup agent_activity;
    // Without it calls are refused (409), as for a tenant without a dialer url.
    CallRequester request_call;
    // The tenant's agents in effect (a reload or the provisioning API may
    // have added or removed some). Without it, or nullptr from it: the
    // start-up configuration's.
    std::function<std::shared_ptr<const config::TenantConfig>(const std::string& tenant_id)> tenant_in_effect;
  };

  // `config`, `store` and `clock` must outlive this object.
  LeaveMessageApi(const config::Config& config, leave::LeaveRepository& store, const Clock& clock,
                  Hooks hooks = {});
  ~LeaveMessageApi();
  LeaveMessageApi(const LeaveMessageApi&) = delete;
  // Runs the reads still queued (answering their requests) and joins the
  // worker. Call after the HTTP server stopped and before it is destroyed:
  // a queued read holds its request's session, which must not outlive the
  // server's I/O contexts. Idempotent; later reads run on the caller's thread.
  void Stop() { reads_->Stop(); }
  LeaveMessageApi& operator=(const LeaveMessageApi&) = delete;

  // Before the body is read (`path` as for Handle): the voice upload takes up
  // to the largest voice file plus its multipart envelope, and only from a
  // tenant admin (403 before a byte of audio is read); every other route
  // `default_limit`.
  http::BodyPermit AdmitBody(const http::HttpRequest& head, std::string_view path, const gateway::Principal& who,
                             std::size_t default_limit) const;

  // `path` is what follows "/api/v1/messages" ("", "/42", "/42/process", ...).
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           const gateway::Principal& who, http::RequestContext& ctx);
  // The same without a session: returns the answer, or nullopt after calling
  // `defer` once and answering through the Reply it returned.
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           const gateway::Principal& who, const Deferrer& defer);

 private:
  using Response = std::optional<http::HttpResponse>;

  // The caller's tenant as in effect now (Hooks::tenant_in_effect), else as
  // at start-up.
  std::shared_ptr<const config::TenantConfig> TenantInEffect(const gateway::Principal& who) const;

  Response Query(const http::HttpRequest& request, const gateway::Principal& who, const Deferrer& defer);
  Response CreateVoice(http::HttpRequest& request, const gateway::Principal& who, const Deferrer& defer);
  Response GetOne(std::int64_t id, const gateway::Principal& who, const Deferrer& defer);
  Response Allocate(const http::HttpRequest& request, std::int64_t id, const gateway::Principal& who,
                    const Deferrer& defer);
  Response Transition(const http::HttpRequest& request, std::int64_t id, bool submit, const gateway::Principal& who,
                      const Deferrer& defer);
  // leave_voice_api.cc: /download and /play. The file is read first, then
  // the access (or its failure) is committed to the history, then served.
  // leave_call_api.cc: the call-back, and the rule process shares with it.
  Response Call(const http::HttpRequest& request, std::int64_t id, const gateway::Principal& who,
                const Deferrer& defer);
  // OK when `who` may act on allocated message `m` now: an agent that is
  // idle, or an administrator, acting for the agent (`detail` then says so).
  Status CheckMayAct(const gateway::Principal& who, const StoredLeaveMessage& m, std::string& detail) const;
  Response ServeVoice(const http::HttpRequest& request, std::int64_t id, bool play, const gateway::Principal& who,
                      const Deferrer& defer);

  const config::Config& config_;
  leave::LeaveRepository& store_;
  const Clock& clock_;
  const Hooks hooks_;
  const std::shared_ptr<TaskThread> reads_;
};

// The HTTP answer for a store error: 400 InvalidArgument, 404 NotFound, 403
// PermissionDenied, 409 FailedPrecondition, 503 ResourceExhausted/Unavailable,
// 500 otherwise.
http::HttpResponse ErrorResponse(const Status& status);

}  // namespace routerd::leave
