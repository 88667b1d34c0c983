// An agent of the cluster test, as a real agent client behaves: it connects
// to a random instance; on close code 4004 it reconnects to the owner the
// reason names (http://host:port), on "owner unknown" or any other end to a
// random instance after a short pause. Once an owner sends its first frame it
// signs in and goes ready, records every contact it is shown (the messages of
// `assigned` frames and `message` frames) with the session, the instance and
// the connection, and closes its oldest session whenever it holds as many as
// its cap, to make room.
//
// What must never happen is recorded in ClusterTraffic::violations: more
// sessions held at once than the cap (counted from the frames: `assigned`
// adds, `session_ended` removes, the connect-time `state` lists them all), or
// a frame whose active_sessions exceeds its effective cap.
//
// Thread safety: one thread per agent; what it records goes to the traffic
// under its lock.
#pragma once

#include <cstdint>
#include <string>

#include "tests/cluster/cluster_traffic.h"

namespace routerd::cluster_test {

struct AgentSpec {
  std::string tenant;
  std::string employee;
  std::string token;
  int cap = 10;  // the sessions it may hold at once (the configuration's)

  std::string name() const { return tenant + "/" + employee; }
};

// Runs the agent until t.abort (a read blocked on a quiet connection ends
// when the instance dies: stop the instances before joining).
void RunClusterAgent(ClusterTraffic& t, const AgentSpec& spec, std::uint64_t seed);

// The port of an advertised URL "http://127.0.0.1:<port>"; 0 for anything else
// ("owner unknown: reconnect").
std::uint16_t PortOfUrl(std::string_view url);

}  // namespace routerd::cluster_test
