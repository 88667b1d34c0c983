#include "tests/fuzz/daemon_fuzz_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/config/config_loader.h"
#include "engine/daemon/daemon.h"
#include "engine/routing/policy_registry.h"
#include "routerd/builtin_adapters.h"

namespace routerd::fuzz {
namespace {

// Token digests: SHA-256 of kAdminToken and kAgentToken.
constexpr std::string_view kConfig = R"(
[server]
listen = "127.0.0.1:0"
io_threads = 1
router_shards = 1
log_level = "off"
max_body_bytes = 65536

[storage]
durability = "async"

[[tenants]]
id = "acme"

[[tenants.ous]]
id = "support"

[[tenants.skill_queues]]
id = "chat"

[[tenants.skill_queues]]
id = "phone"
media = "voice"

[[tenants.agents]]
employee_id = "a1"
ou = "support"
type = "multimedia"
skill_queues = ["chat"]

[[tenants.agents]]
employee_id = "v1"
ou = "support"
type = "voice"
skill_queues = ["phone"]

[[tenants.channels]]
id = "acme-web"
kind = "web"
skill_queue = "chat"
secret = "acme-web-fuzz-secret"

[[tenants.tokens]]
role = "tenant_admin"
token_sha256 = "fb5f5fe58160617e1487667a8133f89a396f563247c75a8e2824af6e08a810fc"

[[tenants.tokens]]
role = "agent"
employee_id = "a1"
token_sha256 = "08743ff39088ef425d44c78de194408e37d4e5c5b835cef210edcd8776585519"
)";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz fixture: %s\n", what.c_str());
  std::abort();
}

std::unique_ptr<daemon::Daemon> StartDaemon() {
  char dir[] = "/tmp/routerd-fuzz-XXXXXX";
  if (::mkdtemp(dir) == nullptr) Fail("mkdtemp failed");
  auto adapters = std::make_unique<AdapterRegistry>();
  if (!RegisterBuiltinAdapters(*adapters).ok()) Fail("adapters");
  auto policies = std::make_unique<routing::PolicyRegistry>();
  if (!routing::RegisterBuiltinPolicies(*policies).ok()) Fail("policies");
  const config::ConfigSchema schema{adapters.get(), policies->Names()};
  config::LoadResult loaded = config::LoadConfigString(std::string(kConfig), "fuzz.toml", schema);
  if (!loaded.config) Fail(loaded.errors.empty() ? "config" : loaded.errors.front());
  loaded.config->storage.data_dir = dir;
  auto created = daemon::Daemon::Create(std::move(*loaded.config), std::move(adapters), std::move(policies));
  if (!created.ok()) Fail(created.status().ToString());
  std::unique_ptr<daemon::Daemon> d = std::move(created).value();
  const Status started = d->Start();
  if (!started.ok()) Fail(started.ToString());
  return d;
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;  // the daemon closed early: a legitimate answer
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads until the peer closes, `until` appears, or 3 s pass.
bool ReadUntil(int fd, std::string_view until, std::string& seen) {
  char buf[16384];
  for (;;) {
    if (!until.empty() && seen.find(until) != std::string::npos) return true;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) <= 0) return false;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return until.empty();
    seen.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::uint16_t DaemonPort() {
  // Never destroyed: libFuzzer leaves through exit(), and the daemon's threads
  // must not be joined from an atexit handler.
  static daemon::Daemon* const d = StartDaemon().release();
  return d->http_port();
}

bool Exchange(std::string_view prefix, std::string_view until, std::string_view bytes) {
  const std::uint16_t port = DaemonPort();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) Fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // Closed with a reset (linger 0), so that hundreds of exchanges a second
  // leave no TIME_WAIT behind to exhaust the loopback's ephemeral ports.
  const linger reset{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  int attempts = 0;
  while (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EINTR || errno == EISCONN) {
      // libFuzzer's timer signal interrupted it; the connection goes on.
      pollfd p{fd, POLLOUT, 0};
      int error = 0;
      socklen_t len = sizeof error;
      if (::poll(&p, 1, 3000) > 0 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0) break;
      errno = error != 0 ? error : ETIMEDOUT;
    }
    // Out of ports for a moment: wait; anything else, or for long, means the
    // daemon stopped accepting, which is a finding.
    if (errno != EADDRNOTAVAIL || ++attempts > 100) Fail(std::string("connect: ") + std::strerror(errno));
    ::usleep(10000);
  }
  bool ok = true;
  std::string seen;
  if (!prefix.empty()) ok = WriteAll(fd, prefix) && ReadUntil(fd, until, seen);
  if (ok) {
    WriteAll(fd, bytes);
    ::shutdown(fd, SHUT_WR);
    ReadUntil(fd, "", seen);
  }
  ::close(fd);
  return ok;
}

}  // namespace routerd::fuzz
