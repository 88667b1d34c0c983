// routerd-loadgen against the real routerd executable: a temporary config with
// all seven channel kinds (WeChat in both plain and safe mode) and six agents,
// three seconds at 200 requests/s with duplicates and receipts, and the JSON
// report checked: no errors, every message acknowledged and delivered once,
// no duplicate or receipt delivered.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/loadgen/signing.h"

namespace routerd::loadgen {
namespace {

namespace fs = std::filesystem;

class Process {
 public:
  Process(const std::string& binary, std::vector<std::string> args, fs::path log) : log_(std::move(log)) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    args.insert(args.begin(), binary);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Process() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::string Output() const {
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void Signal(int signo) { ::kill(pid_, signo); }

 private:
  pid_t pid_ = -1;
  fs::path log_;
};

std::string Config(int agents) {
  std::string toml = R"([server]
listen = "127.0.0.1:0"
io_threads = 1
router_shards = 1
log_level = "info"

[[tenants]]
id = "lg"
max_concurrent_sessions = 30
[[tenants.ous]]
id = "ou"
[[tenants.skill_queues]]
id = "general"
max_wait_seconds = 3600
max_waiting = 100000
[[tenants.skill_queues]]
id = "mail"
max_wait_seconds = 3600
max_waiting = 100000

[[tenants.channels]]
id = "wechat-safe"
kind = "wechat"
skill_queue = "general"
token = "lg-wechat-token"
app_id = "wx49f0ab532d5d035a"
encoding_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
[[tenants.channels]]
id = "wechat-plain"
kind = "wechat"
skill_queue = "general"
token = "lg-wechat-plain-token"
app_id = "wxb11529c136998cb6"
[[tenants.channels]]
id = "web"
kind = "web"
skill_queue = "general"
secret = "lg-web-secret"
[[tenants.channels]]
id = "x"
kind = "x"
skill_queue = "general"
consumer_secret = "lg-x-secret"
[[tenants.channels]]
id = "email"
kind = "email"
skill_queue = "mail"
signing_key = "lg-mailgun-key"
[[tenants.channels]]
id = "wa"
kind = "whatsapp"
skill_queue = "general"
app_secret = "lg-wa-secret"
verify_token = "lg-wa-verify"
[[tenants.channels]]
id = "fb"
kind = "facebook"
skill_queue = "general"
app_secret = "lg-fb-secret"
verify_token = "lg-fb-verify"
[[tenants.channels]]
id = "line"
kind = "line"
skill_queue = "general"
channel_secret = "lg-line-secret"
)";
  for (int i = 0; i < agents; ++i) {
    const std::string id = std::to_string(40001 + i);
    toml += "[[tenants.agents]]\nemployee_id = \"" + id + "\"\nou = \"ou\"\ntype = \"multimedia\"\n" +
            "skill_queues = [\"general\", \"mail\"]\n";
    toml += "[[tenants.tokens]]\nrole = \"agent\"\nemployee_id = \"" + id + "\"\ntoken_sha256 = \"" +
            Hex(Sha256("lg-agent-" + id)) + "\"\n";
  }
  return toml;
}

std::uint64_t U(simdjson::dom::element root, std::string_view pointer) {
  std::uint64_t v = 0;
  EXPECT_EQ(root.at_pointer(pointer).get(v), simdjson::SUCCESS) << pointer;
  return v;
}

TEST(LoadgenDaemonTest, EveryMessageIsAcknowledgedAndDeliveredOnce) {
  const fs::path dir = fs::temp_directory_path() / ("routerd_loadgen_it_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path config = dir / "routerd.toml";
  std::ofstream(config) << Config(6);

  Process daemon(ROUTERD_BINARY, {"--config", config.string()}, dir / "routerd.log");
  // The daemon logs its port (the config asks for any free one) once it listens.
  const std::regex started(R"(routerd started: listening on 127\.0\.0\.1:(\d+))");
  std::smatch match;
  std::string log;
  for (int i = 0; i < 500; ++i) {
    log = daemon.Output();
    if (std::regex_search(log, match, started)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(match.empty()) << log;
  const std::string target = "127.0.0.1:" + match[1].str();

  const fs::path json = dir / "report.json";
  Process loadgen(LOADGEN_BINARY,
                  {"--routerd-config", config.string(), "--target", target, "--rate", "200", "--duration", "3",
                   "--warmup", "0", "--drain", "30", "--agents", "6", "--agent-token-template",
                   "lg-agent-{employee_id}", "--handle-time", "exp:0.3", "--customers", "100",
                   "--messages-per-session", "3", "--duplicates", "0.05", "--receipts", "0.05", "--json",
                   json.string(), "--max-error-rate", "0", "--quiet", "--seed", "12345"},
                  dir / "loadgen.log");
  const int rc = loadgen.Wait();
  const std::string loadgen_out = loadgen.Output();
  ASSERT_EQ(rc, 0) << loadgen_out << "\n" << daemon.Output();

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.load(json.string()).get(root), simdjson::SUCCESS);

  // 3 s at 200/s, all answered 200.
  const std::uint64_t sent = U(root, "/requests/sent");
  EXPECT_EQ(sent, 600u);
  EXPECT_EQ(U(root, "/requests/ok"), sent) << loadgen_out;
  EXPECT_EQ(U(root, "/requests/errors"), 0u);
  EXPECT_EQ(U(root, "/requests/connection_errors"), 0u);
  EXPECT_EQ(U(root, "/requests/timeouts"), 0u);
  EXPECT_EQ(U(root, "/requests/by_status/200"), sent);
  const std::uint64_t messages = U(root, "/requests/messages");
  const std::uint64_t duplicates = U(root, "/requests/duplicates");
  const std::uint64_t receipts = U(root, "/requests/receipts");
  EXPECT_EQ(messages + duplicates + receipts, sent);
  EXPECT_GT(duplicates, 0u);
  EXPECT_GT(receipts, 0u);
  for (const char* kind : {"wechat", "web", "x", "email", "whatsapp", "facebook", "line"}) {
    const std::string k = "/requests/by_kind/" + std::string(kind);
    EXPECT_GT(U(root, k + "/sent"), 0u) << kind;
    EXPECT_EQ(U(root, k + "/ok"), U(root, k + "/sent")) << kind;
  }

  // Every message reached an agent exactly once; duplicates and receipts never did.
  EXPECT_EQ(U(root, "/agents/ready"), 6u);
  EXPECT_EQ(U(root, "/delivery/expected"), messages);
  EXPECT_EQ(U(root, "/delivery/delivered"), messages) << loadgen_out;
  EXPECT_EQ(U(root, "/delivery/not_delivered"), 0u);
  EXPECT_EQ(U(root, "/delivery/delivered_twice"), 0u);
  EXPECT_EQ(U(root, "/delivery/receipts_delivered"), 0u);
  EXPECT_EQ(U(root, "/delivery/unmarked_texts"), 0u);
  EXPECT_EQ(U(root, "/delivery_latency_us/count"), messages);
  EXPECT_EQ(U(root, "/ack_latency_us/count"), sent);
  EXPECT_GT(U(root, "/agents/sessions_assigned"), 0u);

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.Wait(), 0) << daemon.Output();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace routerd::loadgen
