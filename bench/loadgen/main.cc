// routerd-loadgen: realistic signed webhook traffic and simulated agents
// against a running routerd (bench/README.md, "routerd-loadgen").
#include <cstdio>
#include <exception>
#include <fstream>

#include "bench/loadgen/options.h"
#include "bench/loadgen/report.h"
#include "bench/loadgen/routerd_config.h"
#include "bench/loadgen/runner.h"

namespace routerd::loadgen {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitGateFailed = 1;
constexpr int kExitSetup = 2;

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  return out.good();
}

int Main(int argc, char** argv) {
  auto options = ParseCommandLine(argc, argv);
  if (!options.ok()) {
    std::fprintf(stderr, "routerd-loadgen: %s (see --help)\n", options.status().message().c_str());
    return kExitSetup;
  }
  if (options->help) {
    std::fputs(Usage().c_str(), stdout);
    return kExitOk;
  }
  auto config = ReadRouterdConfig(options->routerd_config);
  if (!config.ok()) {
    std::fprintf(stderr, "routerd-loadgen: %s\n", config.status().message().c_str());
    return kExitSetup;
  }
  if (!options->emit_file.empty()) {
    auto bytes = EmitRequests(*options, *config);
    if (!bytes.ok()) {
      std::fprintf(stderr, "routerd-loadgen: %s\n", bytes.status().message().c_str());
      return kExitSetup;
    }
    std::fprintf(stderr, "wrote %llu signed requests (%llu bytes) for %s to %s\n",
                 static_cast<unsigned long long>(options->emit_count), static_cast<unsigned long long>(*bytes),
                 TargetAddress(*options, *config).c_str(), options->emit_file.c_str());
    return kExitOk;
  }

  auto report = RunLoad(*options, std::move(*config));
  if (!report.ok()) {
    std::fprintf(stderr, "routerd-loadgen: %s\n", report.status().message().c_str());
    return kExitSetup;
  }
  std::fputs(FormatTable(*report).c_str(), stdout);
  std::fflush(stdout);
  int rc = kExitOk;
  if (!options->json_file.empty() && !WriteFile(options->json_file, ToJson(*report))) {
    std::fprintf(stderr, "routerd-loadgen: cannot write %s\n", options->json_file.c_str());
    rc = kExitSetup;
  }
  if (!options->csv_file.empty() && !WriteFile(options->csv_file, ToCsv(*report))) {
    std::fprintf(stderr, "routerd-loadgen: cannot write %s\n", options->csv_file.c_str());
    rc = kExitSetup;
  }
  if (!options->png_file.empty()) {
    Status s = WritePng(*report, options->png_file);
    if (!s.ok()) std::fprintf(stderr, "routerd-loadgen: skipping --png: %s\n", s.message().c_str());
  }
  if (options->max_error_rate >= 0 && report->error_rate() > options->max_error_rate) {
    std::fprintf(stdout, "FAIL: error rate %.4f %% is above --max-error-rate %.4f %%\n", 100 * report->error_rate(),
                 100 * options->max_error_rate);
    return kExitGateFailed;
  }
  return rc;
}

}  // namespace
}  // namespace routerd::loadgen

int main(int argc, char** argv) {
  // Boost and the standard library may throw (allocation, system errors);
  // nothing is caught inside, so report it here rather than abort.
  try {
    return routerd::loadgen::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "routerd-loadgen: fatal: %s\n", e.what());
    return 2;
  }
}
