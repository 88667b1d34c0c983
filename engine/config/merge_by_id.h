// The rule by which a running tenant takes a reloaded file's OUs, agents and
// other objects matched by id: each keeps its position, which is the routers'
// index of it (and of the tables built from it). An object the file adds goes
// last, or back to its old place if it was removed before; one the file no
// longer has stays in place marked `retired`; one both have is merged by the
// caller (its changes, and what it keeps from the running one).
//
// Thread safety: a pure function of its arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace routerd::config {

struct MergedPositions {
  std::vector<std::uint32_t> added;    // new last, or back in their old place
  std::vector<std::uint32_t> retired;  // the file no longer has them
};

// `items`: the running objects, changed in place. `id_of(item)` names an
// object; `merge(running, next, position)` makes the running object the
// file's `next` (both not retired). T has a `bool retired`.
template <typename T, typename IdOf, typename Merge>
MergedPositions MergeById(std::vector<T>& items, const std::vector<T>& file, IdOf id_of, Merge merge) {
  MergedPositions out;
  std::unordered_map<std::string_view, const T*> in_file;
  for (const T& next : file) in_file.emplace(id_of(next), &next);
  std::unordered_set<std::string> known;
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    T& item = items[i];
    known.emplace(id_of(item));
    const auto it = in_file.find(id_of(item));
    if (it == in_file.end()) {
      if (!item.retired) {
        item.retired = true;
        out.retired.push_back(i);
      }
    } else if (item.retired) {
      item = *it->second;
      out.added.push_back(i);
    } else {
      merge(item, *it->second, i);
    }
  }
  for (const T& next : file) {
    if (known.contains(std::string(id_of(next)))) continue;
    out.added.push_back(static_cast<std::uint32_t>(items.size()));
    items.push_back(next);
  }
  return out;
}

}  // namespace routerd::config
