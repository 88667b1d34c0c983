#include "tests/cluster/cluster_harness.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "tests/support/postgres_environment.h"

namespace routerd::cluster_test {
namespace {

using namespace std::chrono_literals;

// The last `n` lines of `text`.
std::string Tail(const std::string& text, int n) {
  std::size_t pos = text.size();
  for (int lines = 0; lines <= n && pos > 0; ++lines) {
    const std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) return text;
    pos = nl;
  }
  return text.substr(pos);
}

}  // namespace

ClusterHarness::ClusterHarness(std::string work_dir, durability::DurabilityConfig base, int instances)
    : work_dir_(std::move(work_dir)), base_(std::move(base)) {
  instances_.reserve(instances);
  for (int i = 0; i < instances; ++i) {
    const std::string id(1, static_cast<char>('a' + i));
    const std::string dir = work_dir_ + "/" + id;
    std::filesystem::create_directories(dir);
    instances_.push_back(Instance{id, dir, durability::RouterdRunner(dir)});
  }
  traffic_.tenants = base_.tenants;
}

ClusterHarness::~ClusterHarness() { StopAll(); }

void ClusterHarness::StopAll() {
  {
    std::lock_guard lock(traffic_.mu);
    traffic_.abort = true;
  }
  traffic_.cv.notify_all();
  // Killing the instances ends every read the threads may be blocked in.
  for (Instance& instance : instances_) {
    if (instance.started) instance.runner.Kill();
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

Status ClusterHarness::Open() {
  StatusOr<testing::PostgresServer*> server = testing::SharedPostgres();
  if (!server.ok()) return server.status();
  server_ = *server;
  static int counter = 0;
  database_ = "cluster_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  if (Status created = server_->CreateDatabase(database_); !created.ok()) return created;
  base_.backend = "postgresql";
  base_.url = server_->ConnInfo(database_);
  base_.sync = true;  // cluster mode requires it
  return Status::Ok();
}

Status ClusterHarness::Start(int i) {
  Instance& instance = instances_[i];
  durability::DurabilityConfig config = base_;
  config.cluster_instance = instance.id;
  config.data_dir = instance.dir + "/data";
  Status started = instance.runner.Start(config);
  instance.started = true;
  if (!started.ok()) return Status(started.code(), "instance " + instance.id + ": " + started.message());
  traffic_.Publish(instance.runner.port());
  return Status::Ok();
}

void ClusterHarness::Kill(int i) {
  traffic_.Withdraw(port(i));
  instances_[i].runner.Kill();
}

void ClusterHarness::Pause(int i) { process(i).Signal(SIGSTOP); }
void ClusterHarness::Resume(int i) { process(i).Signal(SIGCONT); }

void ClusterHarness::Terminate(int i) {
  traffic_.Withdraw(port(i));
  process(i).Signal(SIGTERM);
}

int ClusterHarness::Reap(int i) { return process(i).Wait(); }

void ClusterHarness::StartTraffic(const std::vector<AgentSpec>& agents, std::uint64_t seed) {
  for (int s = 0; s < kClusterSenders; ++s) {
    threads_.emplace_back(RunClusterSender, std::ref(traffic_), s, seed + 1 + s);
  }
  for (std::size_t a = 0; a < agents.size(); ++a) {
    threads_.emplace_back(RunClusterAgent, std::ref(traffic_), agents[a], seed + 100 + a);
  }
}

StatusOr<Owners> ClusterHarness::ReadOwners() {
  StatusOr<std::string> rows = server_->Psql(
      database_,
      "SELECT tenant_id || ' ' || owner FROM tenant_leases WHERE owner IS NOT NULL AND expires_at > now() "
      "ORDER BY 1");
  if (!rows.ok()) return rows.status();
  Owners owners;
  std::istringstream lines(*rows);
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t space = line.find(' ');
    if (space != std::string::npos) owners[line.substr(0, space)] = line.substr(space + 1);
  }
  return owners;
}

std::optional<Owners> ClusterHarness::WaitAllOwned(std::chrono::milliseconds limit, const std::string& without) {
  const auto deadline = SteadyClock::now() + limit;
  // One query every 20 ms at most; a restarting server answers errors
  // meanwhile, which only mean "not yet".
  for (int polls = 0; polls < 100000; ++polls) {
    StatusOr<Owners> owners = ReadOwners();
    if (owners.ok() && static_cast<int>(owners->size()) == base_.tenants) {
      bool moved = true;
      for (const auto& [tenant, owner] : *owners) moved = moved && owner != without;
      if (moved) return std::move(owners).value();
    }
    if (SteadyClock::now() >= deadline) break;
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

int ClusterHarness::IndexOf(const std::string& id) const {
  for (int i = 0; i < size(); ++i) {
    if (instances_[i].id == id) return i;
  }
  return -1;
}

std::string ClusterHarness::LogTails() {
  std::string out;
  for (Instance& instance : instances_) {
    if (instance.runner.starts() == 0) continue;
    out += "--- instance " + instance.id + " (port " + std::to_string(instance.runner.port()) + ") ---\n" +
           Tail(instance.runner.process().Output(), 40) + "\n";
  }
  return out;
}

std::string ClusterHarness::DatabaseActivity() {
  const auto run = [this](std::string_view sql) {
    StatusOr<std::string> rows = server_->Psql(database_, sql);
    return (rows.ok() ? *rows : rows.status().ToString()) + "\n";
  };
  return "tenant_leases (tenant|owner|epoch|expires in ms):\n" +
         run("SELECT tenant_id, owner, epoch, round(extract(epoch FROM expires_at - clock_timestamp()) * 1000) "
             "FROM tenant_leases ORDER BY 1") +
         "sessions (pid|state|wait|in transaction for ms|blocked by|query):\n" +
         run("SELECT pid, state, wait_event_type || ':' || wait_event, "
             "round(extract(epoch FROM clock_timestamp() - xact_start) * 1000), pg_blocking_pids(pid), "
             "left(regexp_replace(query, '\\s+', ' ', 'g'), 160) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY xact_start");
}

}  // namespace routerd::cluster_test
