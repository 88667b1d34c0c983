#include "engine/leave/dialer.h"

#include <chrono>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "engine/base/guarded_call.h"
#include "engine/base/thread_name.h"
#include "engine/http/http_message.h"
#include "routerd/signed_request.h"

namespace routerd::leave {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Target {
  std::string authority;  // as written: the Host header
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

// The config loader accepted only "http://host[:port][/path]".
Target ParseTarget(std::string_view url) {
  Target t;
  url.remove_prefix(std::string_view("http://").size());
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  t.authority = std::string(authority);
  if (slash != std::string_view::npos) t.path = std::string(url.substr(slash));
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    t.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  }
  if (authority.size() >= 2 && authority.front() == '[' && authority.back() == ']') {
    authority = authority.substr(1, authority.size() - 2);
  }
  t.host = std::string(authority);
  return t;
}

bool Retryable(unsigned status) { return status == 408 || status == 429 || status >= 500; }

// One attempt: Unavailable for what a retry may fix, FailedPrecondition for
// a final refusal, OK for a 2xx.
asio::awaitable<Status> Attempt(const Target& target, std::string body, const std::string& secret,
                                std::int64_t now_s, std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream stream(executor);
  stream.expires_after(timeout);
  auto [rerr, endpoints] = co_await resolver.async_resolve(target.host, target.port, kTuple);
  if (rerr) co_return Status::Unavailable("cannot resolve " + target.host + ": " + rerr.message());
  auto [cerr, endpoint] = co_await stream.async_connect(endpoints, kTuple);
  if (cerr) co_return Status::Unavailable("cannot connect to " + target.host + ":" + target.port + ": " + cerr.message());
  beast::http::request<beast::http::string_body> request{beast::http::verb::post, target.path, 11};
  request.set(beast::http::field::host, target.authority);
  request.set(beast::http::field::content_type, "application/json");
  const std::string timestamp = std::to_string(now_s);
  request.set(kTimestampHeader, timestamp);
  request.set(kSignatureHeader, SignRequest(secret, timestamp, body));
  request.body() = std::move(body);
  request.prepare_payload();
  auto [werr, written] = co_await beast::http::async_write(stream, request, kTuple);
  if (werr) co_return Status::Unavailable("cannot send the request: " + werr.message());
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(64 * 1024);
  auto [rderr, read] = co_await beast::http::async_read(stream, buffer, parser, kTuple);
  if (rderr) {
    co_return Status::Unavailable(rderr == beast::error::timeout ? "no answer within the timeout"
                                                                 : "cannot read the answer: " + rderr.message());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  const unsigned status = parser.get().result_int();
  if (status >= 200 && status < 300) co_return Status::Ok();
  std::string answer = parser.get().body().substr(0, 200);
  std::string why = "the telephony answered HTTP " + std::to_string(status) + (answer.empty() ? "" : ": " + answer);
  co_return Retryable(status) ? Status::Unavailable(std::move(why)) : Status::FailedPrecondition(std::move(why));
}

}  // namespace

Dialer::Dialer(const config::Config& config, const Clock& clock, Failed on_failed)
    : clock_(clock), on_failed_(std::move(on_failed)), work_(asio::make_work_guard(io_)) {
  // Every start-up tenant in one published version of the index.
  for (const config::TenantConfig& t : config.tenants) tenants_.Add(t.id).config = &t.dialer;
  tenants_.Publish();
}

void Dialer::AddTenant(const config::TenantConfig& tenant) {
  if (tenants_.Find(tenant.id) != nullptr) return;
  tenants_.Add(tenant.id).config = &tenant.dialer;
  tenants_.Publish();
}

Dialer::~Dialer() { Stop(); }

void Dialer::Start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    SetThreadName("rd-dialer");
    io_.run();
  });
}

void Dialer::Stop() {
  {
    std::lock_guard lock(mu_);
    running_ = false;  // under mu_: no request is added after the sweep below
  }
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  std::unordered_map<std::uint64_t, std::shared_ptr<CallRequest>> abandoned;
  {
    std::lock_guard lock(mu_);
    abandoned.swap(in_flight_);
  }
  for (auto& entry : abandoned) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    const std::shared_ptr<CallRequest>& call = entry.second;
    spdlog::warn("call {} of leave message {} (tenant {}) abandoned: routerd is stopping", call->call_id,
                 call->message_id, call->tenant_id);
    if (on_failed_) {
      // Stop may run in the destructor: a callback that throws must not terminate.
      static FailureLog failures("reporting a call abandoned at stop");
      GuardedCall(failures, [&] {
        on_failed_(*call, Status::Unavailable("routerd stopped before the telephony confirmed the request "
                                              "(it may still have placed the call)"));
      });
    }
  }
}

std::string Dialer::RequestBody(const CallRequest& call) {
  std::string out = "{";
  http::AppendJsonStringField(out, "call_id", call.call_id);
  out += ",";
  http::AppendJsonStringField(out, "tenant_id", call.tenant_id);
  out += ",";
  http::AppendJsonIntField(out, "message_id", call.message_id);
  out += ",";
  http::AppendJsonStringField(out, "employee_id", call.employee_id);
  out += ",";
  http::AppendJsonStringField(out, "business_account", call.business_account);
  out += ",";
  http::AppendJsonStringField(out, "contact_number", call.contact_number);
  out += ",";
  http::AppendJsonStringField(out, "requested_by", call.requested_by);
  out += "}";
  return out;
}

Status Dialer::Request(CallRequest call) {
  Tenant* found = tenants_.Find(call.tenant_id);
  if (found == nullptr || found->config->url.empty()) {
    return Status::FailedPrecondition("no telephony is configured for tenant " + call.tenant_id +
                                      " ([tenants.dialer] url)");
  }
  Tenant& tenant = *found;
  const int limit = tenant.config->max_pending_calls;
  auto request = std::make_shared<CallRequest>(std::move(call));
  std::uint64_t key;
  {
    // Under mu_ with Stop's flag: a request either is swept by Stop or never taken.
    std::lock_guard lock(mu_);
    if (!running_.load()) return Status::Unavailable("the dialer is stopped");
    const int pending = tenant.pending.load();
    if (pending >= limit) {
      return Status::ResourceExhausted(std::to_string(pending) + " calls of tenant " + request->tenant_id +
                                       " are pending (max_pending_calls); try again");
    }
    tenant.pending.fetch_add(1);
    key = ++next_key_;
    in_flight_.emplace(key, request);
  }
  Run(key, std::move(request), tenant);
  return Status::Ok();
}

void Dialer::Run(std::uint64_t key, std::shared_ptr<CallRequest> call, Tenant& tenant) {
  asio::co_spawn(
      io_,
      [this, key, call, &tenant]() -> asio::awaitable<void> {
        const config::DialerConfig& c = *tenant.config;
        const Target target = ParseTarget(c.url);
        const std::string body = RequestBody(*call);
        asio::steady_timer timer(co_await asio::this_coro::executor);
        auto backoff = std::chrono::milliseconds(c.retry_backoff_ms);
        Status last;
        int made = 0;
        for (int attempt = 1; attempt <= c.max_attempts; ++attempt) {
          ++made;
          if (attempt > 1) {
            timer.expires_after(backoff);
            co_await timer.async_wait(kTuple);
            backoff *= 2;
          }
          last = co_await Attempt(target, body, c.secret, clock_.WallMs() / 1000,
                                  std::chrono::milliseconds(c.timeout_ms));
          if (last.ok() || last.code() != StatusCode::kUnavailable) break;
        }
        tenant.pending.fetch_sub(1);
        {
          std::lock_guard lock(mu_);
          in_flight_.erase(key);
        }
        if (!last.ok()) {
          spdlog::warn("call {} of leave message {} (tenant {}) not requested: {}", call->call_id, call->message_id,
                       call->tenant_id, last.message());
          if (on_failed_) {
            on_failed_(*call, Status(last.code(), "not requested after " + std::to_string(made) + " attempt" +
                                                      (made == 1 ? "" : "s") + ": " + last.message()));
          }
        }
      },
      asio::detached);
}

}  // namespace routerd::leave
