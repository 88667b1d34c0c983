// The routerd executable as an operator runs it: exit codes, error output,
// and a clean drain on SIGTERM and SIGINT.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

class Process {
 public:
  explicit Process(std::vector<std::string> args) {
    out_ = std::filesystem::temp_directory_path() / ("routerd_proc_" + std::to_string(::getpid()) + "_" +
                                                      std::to_string(counter_++) + ".log");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    std::vector<char*> argv;
    args.insert(args.begin(), ROUTERD_BINARY);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, ROUTERD_BINARY, &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove(out_);
  }
  std::string Output() const {
    std::ifstream in(out_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Waits until the output contains `text` (the daemon logs its start).
  bool WaitForOutput(const std::string& text) const {
    for (int i = 0; i < 500; ++i) {
      if (Output().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  void Signal(int signo) { ::kill(pid_, signo); }
  ProcessResult Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), Output()};
  }

 private:
  static inline int counter_ = 0;
  pid_t pid_ = -1;
  std::filesystem::path out_;
};

const std::string kConfig = ROUTERD_SOURCE_DIR "/config/routerd.toml";

TEST(DaemonProcessTest, CheckConfigPrintsASummaryAndExitsZero) {
  ProcessResult r = Process({"--check-config", kConfig}).Wait();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("tenant 'demo'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("channels (7)"), std::string::npos) << r.output;
}

TEST(DaemonProcessTest, BadConfigPrintsEveryErrorAndExitsTwo) {
  auto path = std::filesystem::temp_directory_path() / "routerd_bad_config.toml";
  {
    std::ofstream out(path);
    out << "[server]\nio_threads = 0\n\n[[tenants]]\nid = \"t\"\nmax_concurrent_sessions = 61\n";
  }
  ProcessResult r = Process({"--check-config", path.string()}).Wait();
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(":2: server: io_threads"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(":6: tenants[0] 't': max_concurrent_sessions = 61"), std::string::npos) << r.output;
}

TEST(DaemonProcessTest, OneTokenInTwoTenantsFailsCheckConfigNamingBoth) {
  auto path = std::filesystem::temp_directory_path() / "routerd_shared_token.toml";
  const std::string tenant = R"([[tenants]]
id = "ID"
[[tenants.ous]]
id = "o"
[[tenants.agents]]
employee_id = "a"
ou = "o"
type = "multimedia"
[[tenants.tokens]]
role = "agent"
employee_id = "a"
token_sha256 = "91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37"
)";
  {
    std::ofstream out(path);
    std::string first = tenant, second = tenant;
    first.replace(first.find("ID"), 2, "t1");
    second.replace(second.find("ID"), 2, "t2");
    out << first << "\n" << second;
  }
  ProcessResult r = Process({"--check-config", path.string()}).Wait();
  std::filesystem::remove(path);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  // The second tenant's token (line 22) names the first (line 9).
  EXPECT_NE(r.output.find(path.string() + ":22: tenants[1].tokens[0]: the same token is already configured at " +
                          path.string() + ":9 (tenants[0].tokens[0]); a token must be unique across all tenants"),
            std::string::npos)
      << r.output;
}

TEST(DaemonProcessTest, MissingFileAndBadArgumentsExitTwo) {
  EXPECT_EQ(Process({"--config", "/nonexistent/routerd.toml"}).Wait().exit_code, 2);
  ProcessResult r = Process({"--frobnicate"}).Wait();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown argument '--frobnicate'"), std::string::npos) << r.output;
}

TEST(DaemonProcessTest, SigtermAndSigintDrainAndExitZero) {
  for (int signo : {SIGTERM, SIGINT}) {
    Process p({"--config", kConfig});
    ASSERT_TRUE(p.WaitForOutput("routerd started")) << p.Output();
    p.Signal(signo);
    ProcessResult r = p.Wait();
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("routerd stopped"), std::string::npos) << r.output;
  }
}

}  // namespace
