// TelephonyServer: the operator's telephony side for tests, on a loopback
// port: it takes routerd's call requests (Dialer), checks their signature as
// a real adapter would (401 when it does not match), answers the scripted
// statuses (202 once the script is used up), and can report call states back
// to routerd's callback route, signed (PostSigned).
//
// One connection at a time, on its own thread.
//
// Thread safety: every method from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace routerd::leave::testing {

// The secret the tests share with their telephony server (a [tenants.dialer] secret).
inline constexpr const char* kTelephonySecret = "telephony-secret-0123456789";

class TelephonyServer {
 public:
  struct Received {
    std::string target;
    std::string body;
    std::string timestamp;
    bool signature_ok = false;
    int answered = 0;  // the status sent back; 0: none (the client gave up)
  };
  // Called on the server's thread after a request with a valid signature was answered 2xx.
  using Accepted = std::function<void(const Received&)>;

  explicit TelephonyServer(std::string secret);
  ~TelephonyServer();
  TelephonyServer(const TelephonyServer&) = delete;
  TelephonyServer& operator=(const TelephonyServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/calls") const;

  // The statuses for the next requests, in order; 0 reads the request and
  // never answers (the client's timeout decides).
  void Script(std::vector<int> statuses);
  void OnAccepted(Accepted accepted);

  std::vector<Received> received();
  // Until `n` requests were received; false after 20 s.
  bool WaitForRequests(std::size_t n);

 private:
  void Run();
  void Serve(boost::asio::ip::tcp::socket& socket);

  const std::string secret_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> script_;          // guarded by mu_
  std::vector<Received> received_;  // guarded by mu_
  Accepted accepted_;               // guarded by mu_
  bool stopping_ = false;           // guarded by mu_
  std::thread thread_;
};

// A POST of `body` to http://127.0.0.1:<port><target>, signed with `secret`
// at `timestamp` (unless `signature` is given); the status, -1 when it failed.
int PostSigned(int port, const std::string& target, const std::string& secret, std::int64_t timestamp,
               const std::string& body, std::string* answer = nullptr, const std::string& signature = "");

}  // namespace routerd::leave::testing
