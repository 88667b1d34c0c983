#include "engine/config/successor_cycles.h"

#include <algorithm>

namespace routerd::config {

// "a -> b -> c -> a", starting at the member listed first in the file.
std::string NameCycle(std::vector<size_t> members, const std::vector<std::string>& ids) {
  auto first = std::min_element(members.begin(), members.end());
  std::rotate(members.begin(), first, members.end());
  std::string out;
  for (size_t m : members) out += ids[m] + " -> ";
  return out + ids[members.front()];
}

// Finds the cycles of a graph in which every node has at most one successor
// (next[i], or -1). Returns each cycle once, as its members in walk order.
std::vector<std::vector<size_t>> FindCycles(const std::vector<long>& next) {
  enum State : char { kUnseen, kOnPath, kDone };
  std::vector<State> state(next.size(), kUnseen);
  std::vector<std::vector<size_t>> cycles;
  for (size_t start = 0; start < next.size(); ++start) {
    std::vector<size_t> path;
    long cur = static_cast<long>(start);
    while (cur >= 0 && state[cur] == kUnseen) {
      state[cur] = kOnPath;
      path.push_back(static_cast<size_t>(cur));
      cur = next[cur];
    }
    if (cur >= 0 && state[cur] == kOnPath) {
      auto it = std::find(path.begin(), path.end(), static_cast<size_t>(cur));
      cycles.emplace_back(it, path.end());
    }
    for (size_t p : path) state[p] = kDone;
  }
  return cycles;
}

}  // namespace routerd::config
