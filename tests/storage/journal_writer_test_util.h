// What the journal writer's tests share: records whose completions are
// counted, and writer options without the periodic prune (a test prunes when
// it asks to).
#pragma once

#include <atomic>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "engine/storage/sqlite/journal_records.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "tests/storage/storage_test_util.h"

namespace routerd::storage::testing {

// Counts how often each record's completion ran and with what.
struct Completions {
  explicit Completions(std::size_t n) : calls(n), failures(n) {}
  std::vector<std::atomic<int>> calls;
  std::vector<std::atomic<int>> failures;
};

inline JournalRecordPtr CountedContact(Completions& c, std::size_t index, const std::string& id) {
  AcceptedContacts rec{"t1", "ch", "whatsapp", {MakeContact("ch", "cust", id, "hello " + id)}};
  return MakeAcceptedContactsRecord(std::move(rec), [&c, index](const Status& s, std::span<const ContactWrite> o) {
    c.calls[index].fetch_add(1);
    if (!s.ok() || o.size() != 1 || o[0] != ContactWrite::kInserted) c.failures[index].fetch_add(1);
  });
}

inline JournalWriterOptions NoPeriodicPrune() {
  JournalWriterOptions o;
  o.prune_interval_ms = 0;
  return o;
}

}  // namespace routerd::storage::testing
