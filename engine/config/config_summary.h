// A one-screen, human-readable summary of a loaded Config, printed by
// `routerd --check-config`: what will listen where, and per tenant the OU tree,
// the agents by type and by effective cap (with where the cap comes from), the
// skill queues with their limits and overflow, and the channels by kind.
//
// Thread safety: a pure function of its argument.
#pragma once

#include <string>

#include "engine/config/config.h"

namespace routerd::config {

std::string FormatConfigSummary(const Config& config);

}  // namespace routerd::config
