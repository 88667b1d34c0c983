#include "engine/routing/ended_traces.h"

namespace routerd::routing {

EndedTrace* EndedTraces::Add(std::uint64_t session_id) {
  if (limit_ == 0) return nullptr;
  if (entries_.empty()) {
    entries_.resize(limit_);
    ids_.assign(limit_, 0);
  }
  EndedTrace* e = &entries_[next_];
  if (ids_[next_] != 0) --count_;
  ids_[next_] = session_id;
  ++count_;
  next_ = (next_ + 1) % limit_;
  return e;
}

void EndedTraces::Expire(std::int64_t now_ns) {
  while (count_ > 0) {
    const std::uint32_t oldest = Back(count_);
    EndedTrace& e = entries_[oldest];
    if (e.ended_ns + retention_ns_ > now_ns) return;
    ids_[oldest] = 0;
    e.first.reset();
    e.hops.clear();
    --count_;
  }
}

const EndedTrace* EndedTraces::Find(std::uint64_t session_id) const {
  if (session_id == 0) return nullptr;
  // Newest first: the session journal asks for each session right after it
  // ended, so the scan stops at once there.
  for (std::uint32_t back = 1; back <= count_; ++back) {
    const std::uint32_t at = Back(back);
    if (ids_[at] == session_id) return &entries_[at];
  }
  return nullptr;
}

void EndedTraces::Clear() {
  std::vector<EndedTrace>().swap(entries_);
  std::vector<std::uint64_t>().swap(ids_);
  next_ = 0;
  count_ = 0;
}

}  // namespace routerd::routing
