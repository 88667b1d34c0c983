// A cluster of routerd executables for the cluster test: instances a, b, c...
// with the same configuration (the durability one, tests/durability) on one
// fresh database of the test binary's PostgreSQL server, each on a loopback
// port of its own that is also its advertise_url. The harness starts, kills,
// pauses and terminates them, reads which instance owns which tenant from
// tenant_leases, and runs the traffic: the senders and the agents
// (cluster_traffic.h, cluster_agent.h).
//
// RAII: the destructor stops the traffic and SIGKILLs every instance (a
// paused one too) before it joins the threads, so a failing test leaves
// nothing running and never waits on a blocked read.
//
// Thread safety: the test thread only; the traffic has its own lock.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "routerd/status.h"
#include "tests/cluster/cluster_agent.h"
#include "tests/cluster/cluster_traffic.h"
#include "tests/durability/durability_config.h"
#include "tests/durability/routerd_process.h"
#include "tests/support/postgres_server.h"

namespace routerd::cluster_test {

// tenant -> instance id, for the leases that are held and not expired.
using Owners = std::map<std::string, std::string>;

class ClusterHarness {
 public:
  // `base`: everything but the storage URL and the instance's own fields.
  ClusterHarness(std::string work_dir, durability::DurabilityConfig base, int instances);
  ~ClusterHarness();
  ClusterHarness(const ClusterHarness&) = delete;
  ClusterHarness& operator=(const ClusterHarness&) = delete;

  // Creates the cluster's database on the shared test server.
  Status Open();
  // Starts (or restarts) instance i, waits for /healthz and publishes its
  // port to the traffic.
  Status Start(int i);
  // Withdraws its port from the traffic first (a load balancer's health
  // check would), then SIGKILLs and reaps it.
  void Kill(int i);
  // SIGSTOP / SIGCONT; the port stays published (nothing outside knows).
  void Pause(int i);
  void Resume(int i);
  // Withdraws the port, sends SIGTERM and returns at once; Reap waits for
  // the exit code.
  void Terminate(int i);
  int Reap(int i);

  // The senders, one agent per spec, seeded from `seed`.
  void StartTraffic(const std::vector<AgentSpec>& agents, std::uint64_t seed);
  ClusterTraffic& traffic() { return traffic_; }

  // Who owns what now, by the database's clock.
  StatusOr<Owners> ReadOwners();
  // Polls until every tenant has an owner (and, when `without` is set, none
  // of them is that instance). The owners, or nullopt past `limit`.
  std::optional<Owners> WaitAllOwned(std::chrono::milliseconds limit, const std::string& without = {});

  int size() const { return static_cast<int>(instances_.size()); }
  std::string id(int i) const { return instances_[i].id; }
  int IndexOf(const std::string& id) const;  // -1 when unknown
  std::uint16_t port(int i) const { return instances_[i].runner.port(); }
  // The configuration file instance i runs (a reload reads it again).
  const std::string& config_path(int i) const { return instances_[i].runner.config_path(); }
  const durability::DurabilityConfig& config() const { return base_; }
  testing::PostgresServer& server() { return *server_; }
  const std::string& database() const { return database_; }
  // The current process of instance i (its output readable after it ended).
  durability::RouterdProcess& process(int i) { return instances_[i].runner.process(); }
  // Every instance's last log lines, for failure messages.
  std::string LogTails();
  // The leases, and the database's sessions with what each waits for and who
  // blocks it, for failure messages.
  std::string DatabaseActivity();

 private:
  struct Instance {
    std::string id;
    std::string dir;
    durability::RouterdRunner runner;
    bool started = false;
  };

  void StopAll();

  std::string work_dir_;
  durability::DurabilityConfig base_;
  std::vector<Instance> instances_;
  testing::PostgresServer* server_ = nullptr;
  std::string database_;
  ClusterTraffic traffic_;
  std::vector<std::thread> threads_;
};

}  // namespace routerd::cluster_test
