// EligibleAgents: the eligible agents of one lane in policy order (rank, then
// the agent's ordinal), with the first one at hand.
//
// Two layouts behind one interface, chosen per lane from its policy:
//   - any rank: an IndexedHeap, O(log n) per change;
//   - a rank whose primary is a small integer (AssignmentPolicy::
//     PrimaryLimit): one list per primary, sorted by (secondary, ordinal), the
//     lowest non-empty one found by a two-level bitset; an agent that would
//     not be last in its list goes to one heap shared by the lane instead
//     ("late"), and the first agent is the better of the lowest list's head
//     and the late heap's top.
// Why buckets: least_busy ranks by load (few values), then by the start of the
// idle stretch, which is "now" after an assignment. So a re-ranked agent is
// usually the last of its new bucket and is appended, and the chosen agent
// leaves from the head: neither move walks past other agents. In a heap of
// thousands of agents each of those steps is a likely cache miss, and an
// assignment sank the chosen agent past every idle one.
//
// Thread safety: none; owned by one router shard thread.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

#include "engine/routing/indexed_heap.h"
#include "routerd/assignment_policy.h"

namespace routerd::routing {

struct AgentEntry {
  PolicyRank rank;
  std::uint32_t ordinal;  // the agent's index in the tenant: the tie-break
  std::uint32_t member;   // the agent's member index in the lane
};
struct AgentLess {
  bool operator()(const AgentEntry& a, const AgentEntry& b) const {
    return a.rank == b.rank ? a.ordinal < b.ordinal : a.rank < b.rank;
  }
};

class EligibleAgents {
 public:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;
  // Enough for least_busy's load levels (about 1 100 with caps up to 60).
  static constexpr std::uint32_t kMaxPrimaryLimit = 64 * 64;

  EligibleAgents() : heap_(AgentLess(), HeapMove{&slot_}) {}
  EligibleAgents(const EligibleAgents&) = delete;
  EligibleAgents& operator=(const EligibleAgents&) = delete;

  // Members are 0..members-1. `primary_limit`: 0 for the heap, else every
  // rank's primary is below it (above kMaxPrimaryLimit: the heap too). Leaves
  // the index empty.
  void Configure(std::uint32_t members, std::uint32_t primary_limit) {
    limit_ = primary_limit <= kMaxPrimaryLimit ? primary_limit : 0;
    size_ = 0;
    heap_.clear();
    slot_.clear();
    nodes_.clear();
    lists_.clear();
    late_.clear();
    words_.clear();
    summary_ = 0;
    if (limit_ == 0) {
      slot_.assign(members, kAbsent);
      heap_.reserve(members);
    } else {
      nodes_.assign(members, Node{});
      lists_.assign(limit_, List{});
      words_.assign((limit_ + 63) / 64, 0);
    }
  }

  // One more member, absent, numbered after the others; its number.
  std::uint32_t AddMember() {
    if (limit_ == 0) {
      slot_.push_back(kAbsent);
      return static_cast<std::uint32_t>(slot_.size() - 1);
    }
    nodes_.push_back(Node{});
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  bool empty() const { return size_ == 0; }
  std::uint32_t size() const { return size_; }
  bool contains(std::uint32_t member) const {
    return limit_ == 0 ? slot_[member] != kAbsent : nodes_[member].where != Where::kAbsent;
  }

  // REQUIRES: !empty()
  AgentEntry top() const {
    if (limit_ == 0) return heap_.top();
    if (summary_ == 0) return late_.top();
    const std::uint32_t word = static_cast<std::uint32_t>(std::countr_zero(summary_));
    const std::uint32_t primary = word * 64 + static_cast<std::uint32_t>(std::countr_zero(words_[word]));
    const std::uint32_t head = lists_[primary].head;
    const AgentEntry listed = nodes_[head].Entry(head);
    return late_.empty() || AgentLess()(listed, late_.top()) ? listed : late_.top();
  }

  // Adds member `e.member`, or moves it to its new rank.
  void Set(const AgentEntry& e) {
    if (limit_ == 0) {
      const std::uint32_t slot = slot_[e.member];
      if (slot == kAbsent) {
        heap_.Push(e);
        ++size_;
      } else {
        heap_.Update(slot, e);
      }
      return;
    }
    const Node& n = nodes_[e.member];
    if (n.where != Where::kAbsent) {
      if (n.primary == e.rank.primary && n.secondary == e.rank.secondary && n.ordinal == e.ordinal) return;
      Unlink(e.member);
    }
    Link(e);
  }

  // REQUIRES: contains(member)
  void Erase(std::uint32_t member) {
    if (limit_ == 0) {
      heap_.Erase(slot_[member]);
      slot_[member] = kAbsent;
      --size_;
      return;
    }
    Unlink(member);
  }

  // Empty again; keeps the layout and the memory.
  void clear() {
    size_ = 0;
    if (limit_ == 0) {
      heap_.clear();
      std::fill(slot_.begin(), slot_.end(), kAbsent);
      return;
    }
    for (Node& n : nodes_) n.where = Where::kAbsent;
    std::fill(lists_.begin(), lists_.end(), List{});
    late_.clear();
    std::fill(words_.begin(), words_.end(), 0);
    summary_ = 0;
  }

 private:
  enum class Where : std::uint8_t { kAbsent, kList, kLate };
  // 32 bytes, aligned: one cache line per node, two nodes per line.
  struct alignas(32) Node {
    std::uint64_t secondary = 0;
    std::uint32_t primary = 0;  // below PrimaryLimit, so 32 bits hold it
    std::uint32_t ordinal = 0;
    std::uint32_t prev = kAbsent, next = kAbsent;  // kList
    std::uint32_t late_slot = kAbsent;             // kLate
    Where where = Where::kAbsent;

    AgentEntry Entry(std::uint32_t member) const { return {{primary, secondary}, ordinal, member}; }
  };
  static_assert(sizeof(Node) == 32);
  struct HeapMove {
    std::vector<std::uint32_t>* slot;
    void operator()(const AgentEntry& e, std::uint32_t at) const { (*slot)[e.member] = at; }
  };
  struct LateMove {
    std::vector<Node>* nodes;
    void operator()(const AgentEntry& e, std::uint32_t at) const { (*nodes)[e.member].late_slot = at; }
  };
  struct List {
    std::uint32_t head = kAbsent, tail = kAbsent;
  };

  void Link(const AgentEntry& e) {
    const std::uint32_t primary = static_cast<std::uint32_t>(e.rank.primary);
    assert(e.rank.primary < limit_);
    List& list = lists_[primary];
    Node& n = nodes_[e.member];
    n.secondary = e.rank.secondary;
    n.primary = primary;
    n.ordinal = e.ordinal;
    ++size_;
    if (list.tail == kAbsent) {
      n.where = Where::kList;
      n.prev = n.next = kAbsent;
      list.head = list.tail = e.member;
      words_[primary / 64] |= std::uint64_t{1} << (primary % 64);
      summary_ |= std::uint64_t{1} << (primary / 64);
    } else if (AgentLess()(nodes_[list.tail].Entry(list.tail), e)) {
      n.where = Where::kList;
      n.prev = list.tail;
      n.next = kAbsent;
      nodes_[list.tail].next = e.member;
      list.tail = e.member;
    } else {
      n.where = Where::kLate;
      late_.Push(e);
    }
  }

  void Unlink(std::uint32_t member) {
    Node& n = nodes_[member];
    --size_;
    if (n.where == Where::kLate) {
      n.where = Where::kAbsent;
      late_.Erase(n.late_slot);
      return;
    }
    n.where = Where::kAbsent;
    const std::uint32_t primary = n.primary;
    List& list = lists_[primary];
    (n.prev == kAbsent ? list.head : nodes_[n.prev].next) = n.next;
    (n.next == kAbsent ? list.tail : nodes_[n.next].prev) = n.prev;
    if (list.head == kAbsent) {
      std::uint64_t& word = words_[primary / 64];
      word &= ~(std::uint64_t{1} << (primary % 64));
      if (word == 0) summary_ &= ~(std::uint64_t{1} << (primary / 64));
    }
  }

  std::uint32_t limit_ = 0;
  std::uint32_t size_ = 0;
  // Heap layout
  std::vector<std::uint32_t> slot_;  // member -> heap slot
  IndexedHeap<AgentEntry, AgentLess, HeapMove> heap_;
  // Bucket layout (8 bytes per possible primary: 9 KiB a lane for least_busy)
  std::vector<Node> nodes_;  // member -> its place
  std::vector<List> lists_;  // primary -> its sorted list
  IndexedHeap<AgentEntry, AgentLess, LateMove> late_{AgentLess(), LateMove{&nodes_}};
  std::vector<std::uint64_t> words_;  // bit p: lists_[p] is not empty
  std::uint64_t summary_ = 0;         // bit w: words_[w] != 0
};

}  // namespace routerd::routing
