#include "tests/support/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

extern char** environ;

namespace routerd::testing {
namespace {

using Clock = std::chrono::steady_clock;

// PR_SET_PDEATHSIG fires when the thread that forked the child exits, not when
// the process does. Forking every child on one thread that lives as long as the
// process lets a test start or restart a server from a short-lived thread
// without the server dying with that thread.
class ForkThread {
 public:
  static ForkThread& Get() {
    static const int registered = pthread_atfork(LockRegistry, UnlockRegistry, ForgetInChild);
    (void)registered;
    std::lock_guard lock(registry_mu_);
    // Never destroyed: a static destructor may still stop a server at exit.
    if (instance_ == nullptr) instance_ = new ForkThread();
    return *instance_;
  }

  // Runs fork_fn on the fork thread; returns what it returns.
  pid_t Run(std::function<pid_t()> fork_fn) {
    std::packaged_task<pid_t()> task(std::move(fork_fn));
    std::future<pid_t> result = task.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  ForkThread() { std::thread([this] { Loop(); }).detach(); }

  [[noreturn]] void Loop() {
    for (;;) {
      std::packaged_task<pid_t()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return !queue_.empty(); });
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  // A process forked by a test (a fork-based death test, say) inherits the
  // instance but not its thread; it must start a thread of its own.
  static void LockRegistry() { registry_mu_.lock(); }
  static void UnlockRegistry() { registry_mu_.unlock(); }
  static void ForgetInChild() {
    instance_ = nullptr;
    registry_mu_.unlock();
  }

  static inline std::mutex registry_mu_;
  static inline ForkThread* instance_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<pid_t()>> queue_;
};

// Everything the child needs, built before fork (see Credentials).
struct Prepared {
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  const ChildSpec* spec = nullptr;
  int fds[3] = {-1, -1, -1};  // become the child's stdin, stdout, stderr
  pid_t parent = -1;
};

void WriteAll(int fd, const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(fd, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

[[noreturn]] void Fail(const char* what, const char* detail) {
  WriteAll(2, what);
  WriteAll(2, detail);
  WriteAll(2, "\n");
  ::_exit(127);
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecInChild(const Prepared& p) {
  // A mask or an ignored signal would survive exec and could keep the server
  // from shutting down when told to.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);

  // Lift the three descriptors above 2 first so dup2 cannot clobber one of them.
  int high[3];
  for (int i = 0; i < 3; ++i) {
    high[i] = ::fcntl(p.fds[i], F_DUPFD, 3);
    if (high[i] < 0) Fail("child_process: cannot duplicate descriptor", "");
  }
  for (int i = 0; i < 3; ++i) {
    if (::dup2(high[i], i) < 0) Fail("child_process: cannot redirect descriptor", "");
  }
  // A pipe or socket of the test held open by a long-lived server would keep
  // its reader from ever seeing end of file.
  ::close_range(3, ~0U, 0);

  if (!p.spec->working_dir.empty() && ::chdir(p.spec->working_dir.c_str()) != 0) {
    Fail("child_process: cannot enter ", p.spec->working_dir.c_str());
  }
  if (const std::optional<Credentials>& c = p.spec->run_as) {
    if (::setgroups(c->groups.size(), c->groups.data()) != 0 || ::setgid(c->gid) != 0 || ::setuid(c->uid) != 0) {
      Fail("child_process: cannot switch to user ", c->user.c_str());
    }
  }
  // After setuid, which clears the death signal. SIGQUIT is PostgreSQL's
  // immediate shutdown: the postmaster takes its backends down with it, where a
  // SIGKILL would orphan them. The getppid check covers a parent that died
  // before prctl took effect.
  ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  if (::getppid() != p.parent) ::_exit(127);

  ::execve(p.argv[0], p.argv.data(), p.envp.data());
  Fail("child_process: cannot execute ", p.argv[0]);
}

Prepared Prepare(const ChildSpec& spec) {
  Prepared p;
  p.spec = &spec;
  p.parent = ::getpid();
  for (const std::string& arg : spec.argv) p.argv.push_back(const_cast<char*>(arg.c_str()));
  p.argv.push_back(nullptr);
  // A developer's PGHOST, PGDATABASE or PGOPTIONS must not point the helpers at
  // another server or change how they behave.
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "PG", 2) != 0) p.env_storage.emplace_back(*e);
  }
  for (std::string& e : p.env_storage) p.envp.push_back(e.data());
  p.envp.push_back(nullptr);
  return p;
}

StatusOr<pid_t> Spawn(const ChildSpec& spec, int stdout_fd, int stderr_fd) {
  if (spec.argv.empty()) return Status::InvalidArgument("child_process: empty argv");
  int dev_null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) return Status::Internal(std::string("cannot open /dev/null: ") + std::strerror(errno));
  Prepared p = Prepare(spec);
  p.fds[0] = dev_null;
  p.fds[1] = stdout_fd;
  p.fds[2] = stderr_fd;
  pid_t pid = ForkThread::Get().Run([&p]() -> pid_t {
    pid_t child = ::fork();
    if (child == 0) ExecInChild(p);
    return child >= 0 ? child : -errno;
  });
  ::close(dev_null);
  if (pid < 0) return Status::Internal(spec.argv[0] + ": fork failed: " + std::strerror(-pid));
  return pid;
}

}  // namespace

StatusOr<Credentials> LookUpUser(const std::string& user) {
  std::vector<char> buf(16384);
  struct passwd pw;
  struct passwd* found = nullptr;
  int err = ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found);
  if (found == nullptr) {
    return Status::NotFound("no user '" + user + "'" + (err != 0 ? std::string(": ") + std::strerror(err) : ""));
  }
  Credentials c{user, pw.pw_uid, pw.pw_gid, {}};
  int count = 32;
  for (;;) {
    c.groups.resize(static_cast<size_t>(count));
    int n = count;
    if (::getgrouplist(user.c_str(), pw.pw_gid, c.groups.data(), &n) >= 0) {
      c.groups.resize(static_cast<size_t>(n));
      return c;
    }
    count = n > count ? n : count * 2;
  }
}

StatusOr<pid_t> SpawnChild(const ChildSpec& spec, int output_fd) { return Spawn(spec, output_fd, output_fd); }

StatusOr<ChildOutput> RunChild(const ChildSpec& spec, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::Internal(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int saved = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Status::Internal(std::string("pipe: ") + std::strerror(saved));
  }
  StatusOr<pid_t> pid = Spawn(spec, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (!pid.ok()) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return pid.status();
  }

  ChildOutput result;
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  bool timed_out = false;
  while (open_count > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    int ready = ::poll(fds, 2, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  for (const pollfd& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }

  int wait_status = 0;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (timed_out || !WaitForExit(*pid, std::max(left, std::chrono::milliseconds(0)), &wait_status)) {
    ::kill(*pid, SIGKILL);
    WaitForExit(*pid, std::chrono::seconds(10));
    return Status::Unavailable(spec.argv[0] + " still running after " + std::to_string(timeout.count()) +
                               " ms; killed it. stderr: " + result.err);
  }
  result.exit_code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
  return result;
}

bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout, int* wait_status) {
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (wait_status != nullptr) *wait_status = status;
      return true;
    }
    if (r < 0 && errno == ECHILD) return true;
    if (r < 0 && errno != EINTR) return false;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit code " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "signal " + std::to_string(WTERMSIG(wait_status));
  return "wait status " + std::to_string(wait_status);
}

}  // namespace routerd::testing
