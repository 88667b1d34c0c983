#include "engine/console/wallboard_session.h"

#include <simdjson.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include "engine/console/wallboard_hub.h"
#include "engine/gateway/ws_close_codes.h"

namespace routerd::console {
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {

constexpr std::size_t kMaxFrame = 4096;

std::string ErrorFrame(std::string_view error, std::string_view detail) {
  std::string out = "{\"type\":\"error\",\"error\":";
  http::AppendJsonString(out, error);
  out += ",\"detail\":";
  http::AppendJsonString(out, detail);
  out += "}";
  return out;
}

}  // namespace

WallboardSession::WallboardSession(http::IoSocket&& socket, WallboardHub& hub, const gateway::Authenticator& auth,
                                   std::function<void()> report_failed_authentication,
                                   gateway::OwnerCheck owner_check)
    : ws_(Stream(std::move(socket))),
      hub_(hub),
      auth_(auth),
      report_failed_authentication_(std::move(report_failed_authentication)),
      owner_check_(std::move(owner_check)),
      auth_timer_(ws_.get_executor()) {}

void WallboardSession::Accept(http::HttpRequest&& upgrade) {
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(30);  // a ping goes out at half of it
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(kMaxFrame);
  ws_.async_accept(upgrade, [self = shared_from_this()](beast::error_code ec) { self->OnAccept(ec); });
}

void WallboardSession::OnAccept(beast::error_code ec) {
  if (ec) return;
  if (!hub_.Attach(shared_from_this())) {
    // The handshake finished after the daemon began to stop.
    done_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  open_ = true;
  auth_timer_.expires_after(kAuthTimeout);
  auth_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec && !self->authenticated_ && !self->refused_ && !self->done_) {
      self->report_failed_authentication_();
      self->Refuse("unauthorized", "no auth frame within 10 s");
    }
  });
  Read();
}

void WallboardSession::Read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
}

void WallboardSession::OnRead(beast::error_code ec) {
  if (ec) return Shutdown();
  if (!authenticated_ && !refused_) {
    const std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    Authenticate(text);
  } else {
    read_buffer_.consume(read_buffer_.size());  // nothing else is asked of the browser
  }
  if (!done_) Read();
}

void WallboardSession::Authenticate(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view type, token;
  if (parser.parse(simdjson::padded_string(text)).get(doc) != simdjson::SUCCESS ||
      doc["type"].get_string().get(type) != simdjson::SUCCESS || type != "auth" ||
      doc["token"].get_string().get(token) != simdjson::SUCCESS) {
    return Refuse("bad_request", "the first frame must be {\"type\":\"auth\",\"token\":\"...\"}");
  }
  const std::optional<gateway::Principal> who = auth_.Authenticate(token);
  if (!who) {
    report_failed_authentication_();
    return Refuse("unauthorized", "a valid token is required");
  }
  if (!who->admin()) return Refuse("forbidden", "the wallboard needs a tenant_admin token");
  authenticated_ = true;
  auth_timer_.cancel();
  if (!hub_.Subscribe(this, who->tenant->id, who->token_serial)) {
    return Refuse("not_found", "unknown tenant");
  }
  if (owner_check_) {
    const gateway::TenantOwner owner = owner_check_(who->tenant->id);
    if (!owner.here) {
      CloseWith(static_cast<std::uint16_t>(gateway::AgentCloseCode::kOwnerMoved), gateway::OwnerMovedReason(owner));
    }
  }
}

void WallboardSession::CloseWith(std::uint16_t code, std::string reason) {
  refused_ = true;
  auth_timer_.cancel();
  {
    std::lock_guard lock(mu_);
    waiting_.reset();  // nothing else goes out before the close
  }
  close_code_ = code;
  close_reason_ = std::move(reason);
  if (!writing_) SendClose();  // else OnWrite does
}

void WallboardSession::SendClose() {
  if (done_ || !open_) return;
  ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
                  [self = shared_from_this()](beast::error_code) { self->Shutdown(); });
}

void WallboardSession::Refuse(std::string_view error, std::string_view detail) {
  refused_ = true;
  auth_timer_.cancel();
  {
    std::lock_guard lock(mu_);
    waiting_.reset();  // nothing else goes out before the error
  }
  refusal_ = std::make_shared<const std::string>(ErrorFrame(error, detail));
  // A frame being written goes first; OnWrite then sends the error.
  if (!writing_) Write(std::move(refusal_));
}

void WallboardSession::Send(Frame frame) {
  {
    std::lock_guard lock(mu_);
    waiting_ = std::move(frame);
    if (flush_posted_) return;
    flush_posted_ = true;
  }
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] { self->Flush(); });
}

void WallboardSession::Flush() {
  Frame next;
  {
    std::lock_guard lock(mu_);
    flush_posted_ = false;
    if (writing_ || done_ || refused_) return;  // OnWrite picks up what waits
    next = std::move(waiting_);
  }
  if (next) Write(std::move(next));
}

void WallboardSession::Write(Frame frame) {
  if (writing_ || done_ || !open_) return;
  writing_ = true;
  in_flight_ = std::move(frame);
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(*in_flight_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnWrite(ec); });
}

void WallboardSession::OnWrite(beast::error_code ec) {
  writing_ = false;
  in_flight_.reset();
  if (ec) return Shutdown();
  if (refused_) {
    if (refusal_) return Write(std::move(refusal_));
    return SendClose();
  }
  Frame next;
  {
    std::lock_guard lock(mu_);
    next = std::move(waiting_);
  }
  if (next) Write(std::move(next));
}

void WallboardSession::Close() {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
    self->Shutdown();
  });
}

void WallboardSession::Revoked() {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->done_ || self->refused_) return;
    self->Refuse("token_revoked", "the token of this wallboard was revoked");
  });
}

void WallboardSession::Moved(std::string reason) {
  boost::asio::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)]() mutable {
    if (self->done_ || self->refused_) return;
    self->CloseWith(static_cast<std::uint16_t>(gateway::AgentCloseCode::kOwnerMoved), std::move(reason));
  });
}

void WallboardSession::Shutdown() {
  if (done_) return;
  done_ = true;
  auth_timer_.cancel();
  {
    std::lock_guard lock(mu_);
    waiting_.reset();
  }
  if (open_) hub_.Detach(this);
}

}  // namespace routerd::console
