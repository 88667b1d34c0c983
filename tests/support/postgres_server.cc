#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace routerd::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kPackagesRoot = "/usr/lib/postgresql";
constexpr const char* kNeededPrograms[] = {"postgres", "initdb", "psql", "pg_isready"};

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool HasPrograms(const fs::path& dir) {
  for (const char* program : kNeededPrograms) {
    if (::access((dir / program).c_str(), X_OK) != 0) return false;
  }
  return true;
}

// "15" or "9.6" as a number that orders versions.
double VersionOf(const std::string& name) {
  char* end = nullptr;
  double v = std::strtod(name.c_str(), &end);
  return end != name.c_str() && *end == '\0' ? v : -1;
}

std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    fs::path candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

// The newest server under the distribution's versioned directories, else
// whatever pg_config reports (a build from source, another distribution).
StatusOr<std::string> FindBinDir() {
  std::error_code ec;
  double newest = -1;
  std::string found;
  for (const fs::directory_entry& entry : fs::directory_iterator(kPackagesRoot, ec)) {
    double version = VersionOf(entry.path().filename().string());
    if (version > newest && HasPrograms(entry.path() / "bin")) {
      newest = version;
      found = (entry.path() / "bin").string();
    }
  }
  if (!found.empty()) return found;

  std::string pg_config = FindOnPath("pg_config");
  if (!pg_config.empty()) {
    StatusOr<ChildOutput> out = RunChild(ChildSpec{{pg_config, "--bindir"}, std::nullopt, ""}, seconds(30));
    if (out.ok() && out->exit_code == 0) {
      std::string dir = out->out.substr(0, out->out.find('\n'));
      if (HasPrograms(dir)) return dir;
    }
  }
  return Status::Unavailable(std::string("PostgreSQL server programs not found in ") + kPackagesRoot +
                             "/<version>/bin nor in `pg_config --bindir`; install the postgresql package "
                             "(scripts/install-deps.sh)");
}

// The server listens on no TCP address; the port only names its socket file.
// A port that is free on the loopback keeps the name unique among servers of
// concurrent test binaries even if they ever share a socket directory.
StatusOr<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::Internal(Errno("socket"));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  std::string error = port < 0 ? Errno("bind 127.0.0.1:0") : "";
  ::close(fd);
  if (port < 0) return Status::Internal(error);
  return port;
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// PostgreSQL silently truncates longer names, after which the database could
// not be found under the name the caller holds.
Status CheckDatabaseName(std::string_view name) {
  if (name.empty() || name.size() > 63 || name.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("database name '" + std::string(name) + "' must have 1 to 63 bytes");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->owner_ = ::getpid();
  StatusOr<std::string> bin_dir = FindBinDir();
  if (!bin_dir.ok()) return bin_dir.status();
  server->bin_dir_ = *bin_dir;
  if (::geteuid() == 0) {
    StatusOr<Credentials> postgres = LookUpUser("postgres");
    if (!postgres.ok()) {
      return Status::Unavailable("the tests run as root, which PostgreSQL refuses to run as, and there is no "
                                 "'postgres' user to run it as: " + postgres.status().message());
    }
    server->run_as_ = *postgres;
  }

  // Not TMPDIR: the socket's path must fit in 107 bytes.
  char root[] = "/tmp/routerd-pg-XXXXXX";
  if (::mkdtemp(root) == nullptr) return Status::Unavailable(Errno("mkdtemp /tmp/routerd-pg-XXXXXX"));
  server->root_dir_ = root;
  server->data_dir_ = server->root_dir_ + "/data";
  server->socket_dir_ = server->root_dir_ + "/socket";
  server->log_file_ = server->root_dir_ + "/postgres.log";
  if (::mkdir(server->socket_dir_.c_str(), 0700) != 0) {
    return Status::Unavailable(Errno("mkdir " + server->socket_dir_));
  }
  int log_fd = ::open(server->log_file_.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  if (log_fd < 0) return Status::Unavailable(Errno("create " + server->log_file_));
  ::close(log_fd);
  if (server->run_as_) {
    for (const std::string& path : {server->root_dir_, server->socket_dir_, server->log_file_}) {
      if (::chown(path.c_str(), server->run_as_->uid, server->run_as_->gid) != 0) {
        return Status::Unavailable(Errno("chown " + path + " to postgres"));
      }
    }
  }

  ROUTERD_RETURN_IF_ERROR(server->InitCluster());
  StatusOr<int> port = FreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  ROUTERD_RETURN_IF_ERROR(server->StartPostmaster());
  ROUTERD_RETURN_IF_ERROR(server->CreateDatabase("routerd"));
  return server;
}

PostgresServer::~PostgresServer() {
  if (::getpid() != owner_) return;
  (void)Stop();
  if (!root_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(root_dir_, ec);
  }
}

std::string PostgresServer::ConnInfo(std::string_view database) const {
  return "postgresql:///" + PercentEncode(database, false) + "?host=" + PercentEncode(socket_dir_, true) +
         "&port=" + std::to_string(port_) + "&user=postgres";
}

ChildSpec PostgresServer::Command(std::string_view program, std::initializer_list<std::string> args) const {
  ChildSpec spec;
  spec.argv.push_back(bin_dir_ + "/" + std::string(program));
  spec.argv.insert(spec.argv.end(), args);
  spec.run_as = run_as_;
  // The postgres user may not enter the test's working directory, and initdb
  // fails where it cannot.
  spec.working_dir = root_dir_;
  return spec;
}

Status PostgresServer::InitCluster() {
  // initdb costs about a second of CPU, and each test process of a ctest run
  // starts a server of its own: the first cluster made on this machine (for
  // these binaries and this user) is kept as a template that later ones copy.
  const std::string owner = run_as_ ? std::to_string(run_as_->uid) : std::to_string(::getuid());
  const std::string template_dir = "/tmp/routerd-pg-template-" +
                                   std::to_string(std::hash<std::string>()(bin_dir_)) + "-" + owner;
  std::error_code ec;
  if (!fs::exists(template_dir + "/PG_VERSION", ec)) {
    // Made aside and renamed into place, so no process ever copies half a cluster.
    const std::string staging = template_dir + "." + std::to_string(::getpid());
    StatusOr<ChildOutput> out = RunChild(
        Command("initdb", {"-D", staging, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"}),
        seconds(120));
    if (!out.ok()) return Status::Unavailable("initdb: " + out.status().message());
    if (out->exit_code != 0) {
      fs::remove_all(staging, ec);
      return Status::Unavailable("initdb failed (exit code " + std::to_string(out->exit_code) + "):\n" + out->err +
                                 out->out);
    }
    fs::rename(staging, template_dir, ec);
    if (ec) fs::remove_all(staging, ec);  // another process made it first
  }
  ChildSpec copy;
  copy.argv = {"/bin/cp", "-a", template_dir, data_dir_};
  copy.run_as = run_as_;
  copy.working_dir = root_dir_;
  StatusOr<ChildOutput> copied = RunChild(copy, seconds(60));
  if (!copied.ok()) return Status::Unavailable("copying the cluster template: " + copied.status().message());
  if (copied->exit_code != 0) {
    return Status::Unavailable("copying the cluster template " + template_dir + " failed:\n" + copied->err);
  }
  return Status::Ok();
}

Status PostgresServer::StartPostmaster() {
  int log_fd = ::open(log_file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (log_fd < 0) return Status::Unavailable(Errno("open " + log_file_));
  // synchronous_commit stays on: a commit is acknowledged only once its WAL
  // is written, so it survives the server being killed (the tests kill
  // routerd and the server, never the machine). fsync is off because only a
  // machine crash needs it, and with it every CREATE DATABASE and commit of
  // hundreds of test processes would wait for the disk.
  StatusOr<pid_t> pid = SpawnChild(Command("postgres", {"-D", data_dir_, "-k", socket_dir_, "-p", std::to_string(port_),
                                                        "-c", "listen_addresses=", "-c", "fsync=off", "-c",
                                                        "full_page_writes=off", "-c", "synchronous_commit=on", "-c",
                                                        "max_connections=200", "-c", "shared_buffers=32MB"}),
                                   log_fd);
  ::close(log_fd);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  Status ready = WaitUntilReady(seconds(30));
  if (!ready.ok()) (void)Stop();
  return ready;
}

Status PostgresServer::WaitUntilReady(seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string socket_file = socket_dir_ + "/.s.PGSQL." + std::to_string(port_);
  for (;;) {
    int wait_status = 0;
    if (WaitForExit(pid_, std::chrono::milliseconds(0), &wait_status)) {
      pid_ = -1;
      return Status::Unavailable("postgres exited while starting (" + DescribeWaitStatus(wait_status) + "); log:\n" +
                                 LogTail());
    }
    if (::access(socket_file.c_str(), F_OK) == 0) {
      StatusOr<ChildOutput> probe = RunChild(
          Command("pg_isready", {"-q", "-h", socket_dir_, "-p", std::to_string(port_), "-U", "postgres", "-d",
                                 "postgres"}),
          seconds(10));
      if (probe.ok() && probe->exit_code == 0) return Status::Ok();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("postgres accepted no connection within " + std::to_string(timeout.count()) +
                                 " s; log:\n" + LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status PostgresServer::Stop() {
  pid_t pid = pid_;
  if (pid <= 0 || ::getpid() != owner_) return Status::Ok();
  Status result;
  ::kill(pid, SIGINT);  // fast shutdown
  if (!WaitForExit(pid, seconds(60))) {
    ::kill(pid, SIGQUIT);
    if (!WaitForExit(pid, seconds(10))) {
      ::kill(pid, SIGKILL);
      WaitForExit(pid, seconds(10));
    }
    result = Status::Unavailable("postgres did not finish a fast shutdown within 60 s and was killed; log:\n" +
                                 LogTail());
  }
  pid_ = -1;
  Status gone = WaitForServerProcessesToExit(seconds(30));
  return result.ok() ? gone : result;
}

Status PostgresServer::Restart() {
  ROUTERD_RETURN_IF_ERROR(Stop());
  return StartPostmaster();
}

Status PostgresServer::Kill() {
  pid_t pid = pid_;
  if (pid <= 0) return Status::FailedPrecondition("postgres is not running");
  ::kill(pid, SIGKILL);
  if (!WaitForExit(pid, seconds(10))) return Status::Internal("postgres survived SIGKILL for 10 s");
  pid_ = -1;
  return WaitForServerProcessesToExit(seconds(30));
}

Status PostgresServer::WaitForServerProcessesToExit(seconds timeout) const {
  // Every server process works in the data directory; after the postmaster
  // dies its backends are no children of ours, so this is how to find them.
  // A zombie has no working directory and holds no shared memory.
  std::error_code ec;
  const fs::path data = fs::weakly_canonical(data_dir_, ec);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pid_t straggler = -1;
    for (const fs::directory_entry& entry : fs::directory_iterator("/proc", ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
      std::error_code link_ec;
      if (fs::read_symlink(entry.path() / "cwd", link_ec) == data) {
        straggler = std::stoi(name);
        break;
      }
    }
    if (straggler < 0) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Internal("postgres process " + std::to_string(straggler) + " still running " +
                              std::to_string(timeout.count()) + " s after its postmaster ended");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status PostgresServer::CreateDatabase(std::string_view name) {
  ROUTERD_RETURN_IF_ERROR(CheckDatabaseName(name));
  StatusOr<std::string> out = Psql("postgres", "CREATE DATABASE " + QuoteIdentifier(name));
  if (!out.ok() && out.status().message().find("already exists") != std::string::npos) {
    return Status::AlreadyExists(out.status().message());
  }
  return out.status();
}

Status PostgresServer::DropDatabase(std::string_view name) {
  ROUTERD_RETURN_IF_ERROR(CheckDatabaseName(name));
  return Psql("postgres", "DROP DATABASE IF EXISTS " + QuoteIdentifier(name) + " WITH (FORCE)").status();
}

StatusOr<std::string> PostgresServer::Psql(std::string_view database, std::string_view sql) {
  StatusOr<ChildOutput> out = RunChild(Command("psql", {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                                                        ConnInfo(database), "-c", std::string(sql)}),
                                       seconds(120));
  if (!out.ok()) return out.status();
  if (out->exit_code != 0) {
    // psql exits with 2 when it cannot reach the server, 1 or 3 on a failed statement.
    std::string message = "psql in database '" + std::string(database) + "' failed (exit code " +
                          std::to_string(out->exit_code) + "): " + out->err;
    return out->exit_code == 2 ? Status::Unavailable(std::move(message)) : Status::Internal(std::move(message));
  }
  std::string result = std::move(out->out);
  if (!result.empty() && result.back() == '\n') result.pop_back();
  return result;
}

std::string PostgresServer::LogTail() const {
  constexpr std::streamoff kTailBytes = 4000;
  std::ifstream log(log_file_, std::ios::binary);
  if (!log) return "(no log at " + log_file_ + ")";
  log.seekg(0, std::ios::end);
  std::streamoff size = log.tellg();
  log.seekg(size > kTailBytes ? size - kTailBytes : 0);
  std::string tail((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  return tail;
}

}  // namespace routerd::testing
