#include "tests/leave/telephony_server.h"

#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "routerd/signed_request.h"

namespace routerd::leave::testing {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

TelephonyServer::TelephonyServer(std::string secret)
    : secret_(std::move(secret)), acceptor_(io_, tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0)) {
  port_ = acceptor_.local_endpoint().port();
  thread_ = std::thread([this] { Run(); });
}

TelephonyServer::~TelephonyServer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  // Wakes the blocking accept.
  boost::system::error_code ec;
  tcp::socket poke(io_);
  poke.connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port_)), ec);
  if (thread_.joinable()) thread_.join();
}

std::string TelephonyServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void TelephonyServer::Script(std::vector<int> statuses) {
  std::lock_guard<std::mutex> lock(mu_);
  script_.assign(statuses.begin(), statuses.end());
}

void TelephonyServer::OnAccepted(Accepted accepted) {
  std::lock_guard<std::mutex> lock(mu_);
  accepted_ = std::move(accepted);
}

std::vector<TelephonyServer::Received> TelephonyServer::received() {
  std::lock_guard<std::mutex> lock(mu_);
  return received_;
}

bool TelephonyServer::WaitForRequests(std::size_t n) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return received_.size() >= n; });
}

void TelephonyServer::Run() {
  for (;;) {
    tcp::socket socket(io_);
    boost::system::error_code ec;
    acceptor_.accept(socket, ec);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (!ec) Serve(socket);
  }
}

void TelephonyServer::Serve(tcp::socket& socket) {
  beast::flat_buffer buffer;
  beast::http::request<beast::http::string_body> request;
  boost::system::error_code ec;
  beast::http::read(socket, buffer, request, ec);
  if (ec) return;
  Received r;
  r.target = std::string(request.target());
  r.body = request.body();
  r.timestamp = std::string(request[kTimestampHeader]);
  r.signature_ok = VerifyRequestSignature(request[kSignatureHeader], secret_, r.timestamp, r.body);
  int status = 202;
  Accepted accepted;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!script_.empty()) {
      status = script_.front();
      script_.pop_front();
    }
    if (!r.signature_ok) status = 401;
    accepted = accepted_;
  }
  // Recorded before answering: whoever learns the answer (the dialer, then
  // the test) must find the request already here.
  r.answered = status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    received_.push_back(r);
  }
  cv_.notify_all();
  if (status == 0) {
    // Never answers: waits until the client gives up and closes.
    char byte;
    socket.read_some(boost::asio::buffer(&byte, 1), ec);
  } else {
    beast::http::response<beast::http::string_body> response{static_cast<beast::http::status>(status), 11};
    response.set(beast::http::field::content_type, "application/json");
    response.body() = status == 401   ? R"({"error":"bad signature"})"
                      : status >= 400 ? R"({"error":"refused"})"
                                      : R"({"status":"requested"})";
    response.prepare_payload();
    beast::http::write(socket, response, ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
  if (accepted && r.signature_ok && status >= 200 && status < 300) accepted(r);
}

int PostSigned(int port, const std::string& target, const std::string& secret, std::int64_t timestamp,
               const std::string& body, std::string* answer, const std::string& signature) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(boost::asio::ip::address_v4::loopback(), static_cast<unsigned short>(port)), ec);
  if (ec) return -1;
  beast::http::request<beast::http::string_body> request{beast::http::verb::post, target, 11};
  request.set(beast::http::field::host, "127.0.0.1");
  request.set(beast::http::field::content_type, "application/json");
  const std::string ts = std::to_string(timestamp);
  request.set(kTimestampHeader, ts);
  request.set(kSignatureHeader, signature.empty() ? SignRequest(secret, ts, body) : signature);
  request.body() = body;
  request.prepare_payload();
  beast::http::write(socket, request, ec);
  if (ec) return -1;
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> response;
  beast::http::read(socket, buffer, response, ec);
  if (ec) return -1;
  if (answer != nullptr) *answer = response.body();
  return static_cast<int>(response.result_int());
}

}  // namespace routerd::leave::testing
