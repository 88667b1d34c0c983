// Command-line parsing for the routerd executable.
#pragma once

#include <string>

#include "routerd/status.h"

namespace routerd::daemon {

struct CommandLine {
  enum class Mode { kRun, kCheckConfig, kHelp, kVersion };
  Mode mode = Mode::kHelp;
  std::string config_path;
};

// --config FILE | --check-config FILE | --help | --version
StatusOr<CommandLine> ParseCommandLine(int argc, const char* const* argv);
std::string UsageText();

}  // namespace routerd::daemon
