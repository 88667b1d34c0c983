#include "bench/loadgen/agent_client.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "bench/loadgen/channel_requests.h"
#include "bench/loadgen/text_literals.h"

namespace routerd::loadgen {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

AgentClient::AgentClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint endpoint, std::string host,
                         AgentSpec spec, std::size_t index, AgentFrameParser& parser, AgentListener& listener)
    : ws_(io),
      endpoint_(endpoint),
      host_(std::move(host)),
      spec_(std::move(spec)),
      index_(index),
      parser_(parser),
      listener_(listener) {}

void AgentClient::Start() {
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).async_connect(
      endpoint_, [self = shared_from_this()](beast::error_code ec) { self->OnConnect(ec); });
}

void AgentClient::OnConnect(beast::error_code ec) {
  if (ec) return Fail("connect", ec);
  beast::get_lowest_layer(ws_).socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
  beast::get_lowest_layer(ws_).expires_never();
  // The daemon pings every 15 s and Beast answers; the client itself only
  // needs the handshake timeout.
  websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([token = spec_.token](websocket::request_type& req) {
    req.set(beast::http::field::authorization, "Bearer " + token);
    req.set(beast::http::field::user_agent, "routerd-loadgen");
  }));
  ws_.async_handshake(host_, "/api/v1/agents/" + spec_.employee_id + "/ws",
                      [self = shared_from_this()](beast::error_code e) { self->OnHandshake(e); });
}

void AgentClient::OnHandshake(beast::error_code ec) {
  if (ec) return Fail("WebSocket handshake (check the agent's token)", ec);
  open_ = true;
  ws_.text(true);
  Read();
  // A sign_in refused because the agent is already signed in (a previous run
  // within the grace period) is harmless; the ready that follows is what counts.
  Send("{\"type\":\"sign_in\",\"id\":" + std::to_string(NextId()) + "}");
  ready_id_ = NextId();
  Send("{\"type\":\"ready\",\"id\":" + std::to_string(ready_id_) + "}");
}

void AgentClient::Read() {
  ws_.async_read(read_buffer_,
                 [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnRead(ec, n); });
}

void AgentClient::OnRead(beast::error_code ec, std::size_t) {
  if (ec) {
    if (closing_ && (ec == websocket::error::closed || ec == boost::asio::error::operation_aborted ||
                     ec == boost::asio::error::eof)) {
      if (!gone_) {
        gone_ = true;
        open_ = false;
        listener_.OnAgentClosed(*this);
      }
      return;
    }
    return Fail("read", ec);
  }
  const auto data = read_buffer_.cdata();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  auto frame = parser_.Parse(text);
  read_buffer_.consume(read_buffer_.size());
  if (!frame.ok()) {
    listener_.OnAgentError(*this, frame.status().message());
  } else {
    if (frame->type == AgentFrame::Type::kAck && frame->id == ready_id_ && !ready_) {
      ready_ = true;
      listener_.OnAgentReady(*this);
    } else if (frame->type == AgentFrame::Type::kError) {
      // A refused sign_in (already signed in) is expected on a reused daemon.
      if (frame->id != 1) listener_.OnAgentError(*this, "request " + std::to_string(frame->id) + ": " + frame->error);
    }
    listener_.OnAgentFrame(*this, *frame);
  }
  Read();
}

void AgentClient::CloseSession(const std::string& session_id) {
  if (!open_ || closing_) return;
  Send("{\"type\":\"close\",\"session_id\":" + JsonQuote(session_id) + ",\"id\":" + std::to_string(NextId()) + "}");
}

void AgentClient::Shutdown() {
  if (gone_ || closing_) return;
  if (!open_) {
    // Never connected (or failed): just stop.
    closing_ = true;
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
    return;
  }
  Send("{\"type\":\"sign_out\",\"id\":" + std::to_string(NextId()) + "}");
  closing_ = true;
  if (!writing_) Write();
}

void AgentClient::Send(std::string json) {
  outbox_.push_back(std::move(json));
  if (!writing_) Write();
}

void AgentClient::Write() {
  if (outbox_.empty()) {
    if (closing_ && open_) {
      open_ = false;
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
        // The read loop sees the close and reports OnAgentClosed.
        (void)self;
      });
    }
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(outbox_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnWrite(ec, n); });
}

void AgentClient::OnWrite(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) return Fail("write", ec);
  outbox_.pop_front();
  Write();
}

void AgentClient::Fail(std::string_view what, beast::error_code ec) {
  if (gone_) return;
  gone_ = true;
  const bool was_closing = closing_;
  open_ = false;
  ready_ = false;
  if (!was_closing) listener_.OnAgentError(*this, std::string(what) + ": " + ec.message());
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  listener_.OnAgentClosed(*this);
}

}  // namespace routerd::loadgen
