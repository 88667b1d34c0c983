// The private PostgreSQL server the storage tests run against: databases of
// their own, data that survives a restart and a crash, and no server left
// behind when the test process is killed.
#include "tests/support/postgres_server.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/postgres_environment.h"

namespace routerd::testing {
namespace {

using std::chrono::seconds;

PostgresServer* Server() {
  StatusOr<PostgresServer*> server = SharedPostgres();
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? *server : nullptr;
}

std::string UniqueName(const std::string& prefix) {
  static int counter = 0;
  return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
}

// Gone, or a zombie not yet reaped.
bool ProcessGone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

TEST(PostgresServerTest, ServesSeparateDatabases) {
  PostgresServer* server = Server();
  ASSERT_NE(server, nullptr);
  const std::string a = UniqueName("two_a");
  const std::string b = UniqueName("two_b");
  ASSERT_TRUE(server->CreateDatabase(a).ok());
  ASSERT_TRUE(server->CreateDatabase(b).ok());

  for (const std::string& db : {a, b}) {
    StatusOr<std::string> one = server->Psql(db, "select 1");
    ASSERT_TRUE(one.ok()) << one.status().ToString();
    EXPECT_EQ(*one, "1");
  }
  ASSERT_TRUE(server->Psql(a, "create table only_in_a (x int)").ok());
  StatusOr<std::string> in_b = server->Psql(b, "select count(*) from pg_tables where tablename = 'only_in_a'");
  ASSERT_TRUE(in_b.ok()) << in_b.status().ToString();
  EXPECT_EQ(*in_b, "0");

  EXPECT_EQ(server->CreateDatabase(a).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(server->CreateDatabase(std::string(64, 'x')).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(server->DropDatabase(a).ok());
  EXPECT_FALSE(server->Psql(a, "select 1").ok());
  EXPECT_TRUE(server->DropDatabase(a).ok());

  EXPECT_EQ(server->ConnInfo(b), "postgresql:///" + b + "?host=" + server->socket_dir() +
                                     "&port=" + std::to_string(server->port()) + "&user=postgres");
}

TEST(PostgresServerTest, FreshDatabasesAreDistinct) {
  StatusOr<std::string> first = FreshDatabase("fresh");
  StatusOr<std::string> second = FreshDatabase("fresh");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(*first, *second);
}

TEST(PostgresServerTest, ReportsAFailedStatement) {
  PostgresServer* server = Server();
  ASSERT_NE(server, nullptr);
  StatusOr<std::string> bad = server->Psql("routerd", "select * from no_such_table");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
  EXPECT_NE(bad.status().message().find("no_such_table"), std::string::npos) << bad.status().message();
}

TEST(PostgresServerTest, RestartKeepsCommittedData) {
  PostgresServer* server = Server();
  ASSERT_NE(server, nullptr);
  const std::string db = UniqueName("restart");
  ASSERT_TRUE(server->CreateDatabase(db).ok());
  ASSERT_TRUE(server->Psql(db, "create table t (v text); insert into t values ('kept')").ok());

  // From a thread that then ends: the server must outlive the thread that
  // started it.
  Status restarted;
  std::thread([&] { restarted = server->Restart(); }).join();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(ProcessGone(server->pid()));

  StatusOr<std::string> read = server->Psql(db, "select v from t");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "kept");
}

TEST(PostgresServerTest, KillThenRestartRecoversCommittedData) {
  PostgresServer* server = Server();
  ASSERT_NE(server, nullptr);
  const std::string db = UniqueName("crash");
  ASSERT_TRUE(server->CreateDatabase(db).ok());
  ASSERT_TRUE(server->Psql(db, "create table t (v int); insert into t values (42)").ok());

  ASSERT_TRUE(server->Kill().ok());
  EXPECT_EQ(server->pid(), -1);
  EXPECT_EQ(server->Psql(db, "select 1").status().code(), StatusCode::kUnavailable);
  Status restarted = server->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();

  StatusOr<std::string> read = server->Psql(db, "select v from t");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "42");
}

TEST(PostgresServerTest, ServerDiesWithAKilledTestProcess) {
  // As a subreaper this process inherits the orphaned postmaster and can wait
  // for it; init might never reap it.
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  struct NoLongerSubreaper {
    ~NoLongerSubreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
  } restore;
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(report[0]);
    StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Start();
    std::string line = server.ok() ? std::to_string((*server)->pid()) + " " + (*server)->root_dir()
                                   : "error " + server.status().ToString();
    line += "\n";
    (void)!::write(report[1], line.data(), line.size());
    ::raise(SIGKILL);
    ::_exit(1);
  }
  ::close(report[1]);
  std::string line;
  pollfd readable = {report[0], POLLIN, 0};
  char buf[4096];
  while (line.find('\n') == std::string::npos && ::poll(&readable, 1, 90'000) > 0) {
    ssize_t n = ::read(report[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  ::close(report[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL) << line;

  pid_t postmaster = -1;
  std::string root_dir;
  {
    std::istringstream fields(line);
    std::string first;
    fields >> first >> root_dir;
    ASSERT_NE(first, "error") << line;
    postmaster = std::stoi(first);
  }
  ASSERT_GT(postmaster, 0) << line;
  EXPECT_TRUE(WaitForExit(postmaster, seconds(15)) && ProcessGone(postmaster))
      << "postgres " << postmaster << " outlived the killed test process";
  // The killed process could not clean up after itself.
  std::error_code ec;
  std::filesystem::remove_all(root_dir, ec);
}

}  // namespace
}  // namespace routerd::testing
