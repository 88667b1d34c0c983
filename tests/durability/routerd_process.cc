#include "tests/durability/routerd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/gateway/test_clients.h"

namespace routerd::durability {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int ExitCodeOf(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

RouterdProcess::RouterdProcess(const std::vector<std::string>& args, std::string log_prefix)
    : out_path_(log_prefix + ".out"), err_path_(log_prefix + ".err") {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> all = args;
  all.insert(all.begin(), ROUTERD_BINARY);
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, ROUTERD_BINARY, &fa, nullptr, argv.data(), environ) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&fa);
}

RouterdProcess::~RouterdProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void RouterdProcess::Signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

int RouterdProcess::Wait() {
  if (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) exit_code_ = ExitCodeOf(status);
    pid_ = -1;
  }
  return exit_code_;
}

bool RouterdProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = ExitCodeOf(status);
    pid_ = -1;
    return false;
  }
  return true;
}

std::string RouterdProcess::Stdout() const { return ReadFile(out_path_); }
std::string RouterdProcess::Stderr() const { return ReadFile(err_path_); }
std::string RouterdProcess::Output() const {
  return "--- stdout ---\n" + Stdout() + "--- stderr ---\n" + Stderr();
}

std::uint16_t FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  std::uint16_t port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

Status WaitHealthy(RouterdProcess& process, std::uint16_t port, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  gateway_test::HttpClient client(port, std::chrono::seconds(2));
  for (;;) {
    if (!process.Running()) {
      return Status::Unavailable("routerd exited with code " + std::to_string(process.Wait()) +
                                 " before answering /healthz");
    }
    StatusOr<gateway_test::HttpReply> reply = client.Send("GET", "/healthz", {}, {});
    if (reply.ok() && reply->status == 200) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("no 200 from /healthz on port " + std::to_string(port) + " within " +
                                 std::to_string(limit.count()) + " ms");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Status RouterdRunner::Start(DurabilityConfig config, bool wait_healthy) {
  if (process_ && process_->Running()) return Status::FailedPrecondition("routerd is already running");
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLoopbackPort();
    if (port_ == 0) return Status::Unavailable("no free loopback port");
    config.port = port_;
    const std::string config_path = work_dir_ + "/routerd-" + std::to_string(starts_) + ".toml";
    config_path_ = config_path;
    {
      std::ofstream out(config_path);
      out << DurabilityToml(config);
      if (!out) return Status::Unavailable("cannot write " + config_path);
    }
    process_ = std::make_unique<RouterdProcess>(std::vector<std::string>{"--config", config_path},
                                                work_dir_ + "/routerd-" + std::to_string(starts_));
    ++starts_;
    if (!process_->spawned()) return Status::Unavailable("cannot spawn " ROUTERD_BINARY);
    if (!wait_healthy) return Status::Ok();
    Status healthy = WaitHealthy(*process_, port_, std::chrono::seconds(30));
    if (healthy.ok()) return healthy;
    const std::string output = process_->Output();
    Kill();
    // Someone else took the port between our probe and the daemon's bind.
    if (output.find("cannot listen on") != std::string::npos) continue;
    return Status(healthy.code(), healthy.message() + "\n" + output);
  }
  return Status::Unavailable("no usable loopback port after 5 attempts");
}

void RouterdRunner::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait();
}

int RouterdRunner::Terminate() {
  if (!process_) return -1;
  process_->Signal(SIGTERM);
  return process_->Wait();
}

}  // namespace routerd::durability
