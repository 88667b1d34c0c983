#include "bench/loadgen/http_pool.h"

#include <algorithm>
#include <chrono>

#include <boost/asio/write.hpp>

#include "bench/loadgen/http_response.h"

namespace routerd::loadgen {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
constexpr std::size_t kReadChunk = 16384;
constexpr auto kReconnectPause = std::chrono::milliseconds(50);
constexpr auto kSweepPeriod = std::chrono::milliseconds(50);
}  // namespace

std::int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct HttpPool::Conn {
  explicit Conn(net::io_context& io, std::size_t i) : socket(io), retry(io), index(i) {}
  tcp::socket socket;
  net::steady_timer retry;
  std::size_t index;
  std::string in;  // bytes read and not yet consumed
  std::shared_ptr<const std::string> out;
  bool up = false;
  bool busy = false;
  bool connecting = false;
  std::int64_t deadline_us = 0;
  unsigned generation = 0;  // bumped on every reset: callbacks of an older socket are stale
};

HttpPool::HttpPool(net::io_context& io, tcp::endpoint endpoint, int connections, std::int64_t timeout_us,
                   DoneFn done, std::function<void()> on_free)
    : io_(io),
      endpoint_(endpoint),
      timeout_us_(timeout_us),
      done_(std::move(done)),
      on_free_(std::move(on_free)),
      sweep_(io) {
  for (int i = 0; i < connections; ++i) conns_.push_back(std::make_unique<Conn>(io, static_cast<std::size_t>(i)));
}

HttpPool::~HttpPool() { Stop(); }

void HttpPool::Start() {
  for (auto& c : conns_) Connect(*c);
  Sweep();
}

void HttpPool::Stop() {
  if (stopped_) return;
  stopped_ = true;
  sweep_.cancel();
  for (auto& c : conns_) {
    ++c->generation;
    c->retry.cancel();
    boost::system::error_code ec;
    c->socket.close(ec);
    c->up = false;
  }
  free_.clear();
}

std::size_t HttpPool::connected() const {
  return static_cast<std::size_t>(std::count_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->up; }));
}

void HttpPool::Connect(Conn& c) {
  if (stopped_) return;
  c.connecting = true;
  const unsigned gen = ++c.generation;
  c.socket = tcp::socket(io_);
  c.socket.async_connect(endpoint_, [this, &c, gen](const boost::system::error_code& ec) {
    if (gen != c.generation || stopped_) return;
    c.connecting = false;
    if (ec) {
      ++connect_failures_;
      c.retry.expires_after(kReconnectPause);
      c.retry.async_wait([this, &c](const boost::system::error_code& e) {
        if (!e) Connect(c);
      });
      return;
    }
    boost::system::error_code ignored;
    c.socket.set_option(tcp::no_delay(true), ignored);
    c.up = true;
    c.in.clear();
    free_.push_back(c.index);
    Read(c);
    on_free_();
  });
}

void HttpPool::Read(Conn& c) {
  const std::size_t old = c.in.size();
  c.in.resize(old + kReadChunk);
  const unsigned gen = c.generation;
  c.socket.async_read_some(net::buffer(c.in.data() + old, kReadChunk),
                           [this, &c, gen, old](const boost::system::error_code& ec, std::size_t n) {
                             if (gen != c.generation || stopped_) return;
                             c.in.resize(old + n);
                             OnRead(c, gen, ec, n);
                           });
}

void HttpPool::OnRead(Conn& c, unsigned, const boost::system::error_code& ec, std::size_t) {
  if (ec) return Fail(c, Outcome::kConnectionError);
  if (!c.busy) return Fail(c, Outcome::kProtocolError);  // bytes nobody asked for
  const HttpResponseHead head = ParseHttpResponse(c.in);
  if (head.result == HttpResponseHead::Result::kNeedMore) return Read(c);
  if (head.result == HttpResponseHead::Result::kError) return Fail(c, Outcome::kProtocolError);
  c.in.erase(0, head.size);
  if (!c.in.empty()) return Fail(c, Outcome::kProtocolError);  // more than one answer to one request
  Completion done{Outcome::kAnswered, head.status};
  if (!head.keep_alive) {
    // Answered, but the server ends the connection: complete, then reconnect.
    c.busy = false;
    --in_flight_;
    c.out.reset();
    ++c.generation;
    boost::system::error_code ignored;
    c.socket.close(ignored);
    c.up = false;
    Connect(c);
    done_(c.index, done);
    return;
  }
  Read(c);
  Complete(c, done);
}

void HttpPool::Complete(Conn& c, const Completion& done) {
  c.busy = false;
  --in_flight_;
  c.out.reset();
  free_.push_back(c.index);
  done_(c.index, done);
  on_free_();
}

std::size_t HttpPool::Send(std::shared_ptr<const std::string> bytes) {
  const std::size_t i = free_.back();
  free_.pop_back();
  Conn& c = *conns_[i];
  c.busy = true;
  ++in_flight_;
  c.deadline_us = NowUs() + timeout_us_;
  c.out = std::move(bytes);
  const unsigned gen = c.generation;
  net::async_write(c.socket, net::buffer(*c.out), [this, &c, gen](const boost::system::error_code& ec, std::size_t) {
    if (gen != c.generation || stopped_) return;
    if (ec) Fail(c, Outcome::kConnectionError);
  });
  return i;
}

void HttpPool::Fail(Conn& c, Outcome outcome) {
  ++c.generation;
  boost::system::error_code ignored;
  c.socket.close(ignored);
  const bool was_busy = c.busy;
  if (c.up && !c.busy) free_.erase(std::remove(free_.begin(), free_.end(), c.index), free_.end());
  c.up = false;
  c.busy = false;
  c.out.reset();
  c.in.clear();
  c.retry.expires_after(kReconnectPause);
  c.retry.async_wait([this, &c](const boost::system::error_code& e) {
    if (!e) Connect(c);
  });
  if (was_busy) {
    --in_flight_;
    done_(c.index, Completion{outcome, 0});
  }
}

void HttpPool::Sweep() {
  if (stopped_) return;
  const std::int64_t now = NowUs();
  for (auto& c : conns_) {
    if (c->busy && now > c->deadline_us) Fail(*c, Outcome::kTimeout);
  }
  sweep_.expires_after(kSweepPeriod);
  sweep_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) Sweep();
  });
}

}  // namespace routerd::loadgen
