// Cycles in the configuration's "at most one successor" references (an OU's
// parent, a skill queue's overflow target), found and named for the error
// that refuses them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace routerd::config {

// Finds the cycles of a graph in which every node has at most one successor
// (next[i], or -1). Returns each cycle once, as its members in walk order.
std::vector<std::vector<std::size_t>> FindCycles(const std::vector<long>& next);

// "a -> b -> c -> a", starting at the member listed first in the file.
std::string NameCycle(std::vector<std::size_t> members, const std::vector<std::string>& ids);

}  // namespace routerd::config
