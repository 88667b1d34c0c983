// Runs the PostgreSQL programs the tests need (initdb, postgres, psql) as child
// processes of the test.
//
// Every child is tied to the test process: it gets SIGQUIT when the test
// process dies, however it dies, so a crashed or SIGKILLed test leaves no
// server behind. PostgreSQL refuses to run as root, so a test running as root
// hands its children to an unprivileged account between fork and exec.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "routerd/status.h"

namespace routerd::testing {

// The account a child runs as, resolved before fork: after fork in a process
// with threads, the child may call only async-signal-safe functions, which
// rules out reading /etc/passwd and /etc/group there.
struct Credentials {
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

StatusOr<Credentials> LookUpUser(const std::string& user);

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is the program's absolute path
  std::optional<Credentials> run_as;  // unset: this process's own account
  std::string working_dir;  // empty: this process's; set it when run_as may not enter ours
};

// Starts the child without waiting for it; its stdout and stderr go to
// output_fd, its stdin is /dev/null. The caller reaps it (WaitForExit).
StatusOr<pid_t> SpawnChild(const ChildSpec& spec, int output_fd);

struct ChildOutput {
  int exit_code = 0;  // 128 + the signal number when a signal ended it
  std::string out;
  std::string err;
};

// Runs the child to completion and captures its output; a child still running
// after `timeout` is killed and reported as Unavailable.
StatusOr<ChildOutput> RunChild(const ChildSpec& spec, std::chrono::milliseconds timeout);

// Reaps the child `pid` if it exits within `timeout`. True once it is reaped,
// or when it is no child of ours (already reaped).
bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout, int* wait_status = nullptr);

// "exit code N" or "signal N", for messages.
std::string DescribeWaitStatus(int wait_status);

}  // namespace routerd::testing
