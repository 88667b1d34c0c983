#include "engine/daemon/command_line.h"

#include <string_view>

namespace routerd::daemon {

std::string UsageText() {
  return "usage: routerd --config FILE        run the daemon\n"
         "       routerd --check-config FILE  validate FILE, print a summary, exit 0 (valid) or 2\n"
         "       routerd --help | --version\n";
}

StatusOr<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  CommandLine cl;
  bool mode_set = false;
  auto set_mode = [&](CommandLine::Mode mode, std::string_view flag) -> Status {
    if (mode_set) return Status::InvalidArgument("'" + std::string(flag) + "' conflicts with an earlier option");
    cl.mode = mode;
    mode_set = true;
    return Status::Ok();
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      ROUTERD_RETURN_IF_ERROR(set_mode(CommandLine::Mode::kHelp, arg));
    } else if (arg == "--version") {
      ROUTERD_RETURN_IF_ERROR(set_mode(CommandLine::Mode::kVersion, arg));
    } else if (arg == "--config" || arg == "--check-config") {
      if (i + 1 >= argc) return Status::InvalidArgument("'" + std::string(arg) + "' needs a file name");
      ROUTERD_RETURN_IF_ERROR(
          set_mode(arg == "--config" ? CommandLine::Mode::kRun : CommandLine::Mode::kCheckConfig, arg));
      cl.config_path = argv[++i];
    } else {
      return Status::InvalidArgument("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (!mode_set) return Status::InvalidArgument("no option given");
  return cl;
}

}  // namespace routerd::daemon
