// The cross-check of skill queues' on_overflow targets: each names another
// queue of the tenant, of the same media, and the chains end (no cycle).
// Errors go to the loader's list, at the line of each on_overflow.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/overflow_target.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

// Where each queue of the tenant was read, in the same order as its skill_queues.
struct QueueInfo {
  std::string where;
  int overflow_line = 0;
};

void CheckOverflowTargets(const TenantConfig& tenant, const std::vector<QueueInfo>& infos,
                          internal::ErrorList& errors);

}  // namespace routerd::config
