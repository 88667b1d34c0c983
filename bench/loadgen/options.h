// LoadOptions: the command line of routerd-loadgen (Usage() has the text).
//
// Thread safety: plain values and a pure parser.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/loadgen/channel_requests.h"
#include "bench/loadgen/handle_time.h"
#include "routerd/status.h"

namespace routerd::loadgen {

struct LoadOptions {
  std::string routerd_config;
  std::string target;  // host:port; empty: the config's [server].listen

  // Open loop (rate > 0) or closed loop (closed > 0).
  double rate = 0;
  int closed = 0;
  int connections = 64;
  double duration_s = 10;
  double warmup_s = 2;
  double drain_s = 10;
  double timeout_s = 10;

  std::vector<std::pair<ChannelKind, double>> mix;
  std::size_t customers = 1000;
  int messages_per_session = 3;
  double duplicates = 0;
  double receipts = 0;

  int agents = 0;  // -1: every eligible agent of the config
  std::string agent_token_template;
  std::string agent_tokens_file;
  HandleTime handle_time{HandleTime::Kind::kExponential, 1.0};

  std::string json_file;
  std::string csv_file;
  std::string png_file;
  double max_error_rate = -1;  // < 0: no gate
  bool progress = true;

  std::uint64_t seed = 0;    // 0: from the clock
  std::uint32_t run_id = 0;  // 0: random

  // --emit-requests FILE --count N: write N signed requests for wrk and exit.
  std::string emit_file;
  std::uint64_t emit_count = 0;

  bool help = false;
};

inline constexpr std::uint64_t kMaxEmitCount = 5'000'000;

// Parses argv[1..]. Errors name the option.
StatusOr<LoadOptions> ParseCommandLine(int argc, const char* const* argv);
std::string Usage();

}  // namespace routerd::loadgen
