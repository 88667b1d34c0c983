// The routerd executable as a child process, for tests that crash it: spawn
// with a configuration file, wait for /healthz, SIGKILL or SIGTERM it, read
// its exit code and its stdout and stderr (kept apart, in files).
//
// RouterdRunner adds what a crash loop needs: a fixed data directory, a fresh
// configuration file per start, and a loopback port chosen by the test (the
// daemon's own choice of port would be unknown from outside); a start that
// finds the port taken meanwhile is retried on another.
//
// Thread safety: none; used from the test thread. port() may be read by other
// threads while nothing starts or stops (the tests hand it over under their
// own lock).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "routerd/status.h"
#include "tests/durability/durability_config.h"

namespace routerd::durability {

class RouterdProcess {
 public:
  // Spawns the routerd binary with `args`; its stdout and stderr go to
  // `log_prefix` + ".out" and ".err".
  RouterdProcess(const std::vector<std::string>& args, std::string log_prefix);
  ~RouterdProcess();  // SIGKILL and reap, if still running
  RouterdProcess(const RouterdProcess&) = delete;
  RouterdProcess& operator=(const RouterdProcess&) = delete;

  bool spawned() const { return pid_ > 0 || exit_code_ >= 0; }
  void Signal(int signo);
  // Reaps the process: its exit code, or 128 + the signal that ended it.
  int Wait();
  // False once the process has exited (then reaped; Wait returns the code).
  bool Running();
  std::string Stdout() const;
  std::string Stderr() const;
  // Both, labelled, for failure messages.
  std::string Output() const;

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  std::string out_path_;
  std::string err_path_;
};

// A TCP port free on 127.0.0.1 at the time of the call.
std::uint16_t FreeLoopbackPort();

// Polls GET /healthz on 127.0.0.1:port until it answers 200. Error when the
// process exits first or `limit` passes.
Status WaitHealthy(RouterdProcess& process, std::uint16_t port, std::chrono::milliseconds limit);

class RouterdRunner {
 public:
  // Configuration files and logs go to `work_dir`.
  explicit RouterdRunner(std::string work_dir) : work_dir_(std::move(work_dir)) {}

  // Writes `config` (with a port of the runner's choosing) and starts routerd;
  // when `wait_healthy`, waits for /healthz. A port taken by someone else is
  // retried on another. `config.port` is ignored.
  Status Start(DurabilityConfig config, bool wait_healthy = true);
  // SIGKILL, then reaps.
  void Kill();
  // SIGTERM, then the exit code.
  int Terminate();

  std::uint16_t port() const { return port_; }
  // The configuration file of the last start (a test may rewrite it and
  // send SIGHUP).
  const std::string& config_path() const { return config_path_; }
  // The last process started (reaped once killed or terminated: its output
  // stays readable). REQUIRES: Start was called.
  RouterdProcess& process() { return *process_; }
  int starts() const { return starts_; }

 private:
  std::string work_dir_;
  std::uint16_t port_ = 0;
  std::string config_path_;
  int starts_ = 0;
  std::unique_ptr<RouterdProcess> process_;
};

}  // namespace routerd::durability
