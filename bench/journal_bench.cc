// The journal writer's cost per contact, the work that shares the server's core
// with the I/O and router threads: one AcceptedContacts record per webhook
// (one contact) and one session-events record per router batch (the session
// opening), written with group commit by the real JournalWriter.
//
// The data directory is on /dev/shm when it exists, so that the figure is the
// CPU cost of SQLite and the writer, not the disk's fsync latency (which the
// end-to-end benchmarks in bench/compare.sh include).
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/storage/sqlite/database.h"
#include "engine/storage/sqlite/journal_records.h"
#include "engine/storage/sqlite/journal_writer.h"
#include "routerd/clock.h"

namespace routerd::storage {
namespace {

std::string TempDataDir() {
  const std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string dir = (base / "routerd-journal-bench-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

ContactPtr MakeContact(std::uint64_t seq) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = "bench";
  c->channel_kind = "whatsapp";
  c->channel_id = "wa";
  c->customer_id = "1650555" + std::to_string(seq % 1000);
  c->display_name = "Sheena Nelson";
  c->provider_message_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA-" + std::to_string(seq);
  c->text = "Does it come in another color?";
  c->sent_at_ms = 1749416383000;
  c->received_at_ms = 1749416383007;
  return c;
}

// args: contacts per Flush (the group-commit batch the writer sees).
void BM_AcceptedContactsAndSessionOpened(benchmark::State& state) {
  const std::string dir = TempDataDir();
  {
    DatabaseOptions options;
    options.data_dir = dir;
    auto db = Database::Open(options);
    if (!db.ok()) {
      state.SkipWithError(db.status().ToString().c_str());
      return;
    }
    SystemClock clock;
    JournalWriter writer(**db, clock);
    if (!writer.Start().ok()) std::abort();
    const auto batch = static_cast<std::uint64_t>(state.range(0));
    std::uint64_t seq = 0;
    for (auto _ : state) {
      for (std::uint64_t i = 0; i < batch; ++i, ++seq) {
        ContactPtr c = MakeContact(seq);
        AcceptedContacts record{"bench", "wa", "whatsapp", {c}};
        if (!writer.Submit(MakeAcceptedContactsRecord(std::move(record), {})).ok()) std::abort();
        SessionOpened opened{"bench", (seq + 1) << 24, "whatsapp", "wa", c->customer_id, "general", 1749416383000, {c}};
        std::vector<SessionEvent> events;
        events.emplace_back(std::move(opened));
        if (!writer.Submit(MakeSessionEventsRecord(std::move(events))).ok()) std::abort();
      }
      if (!writer.Flush().ok()) std::abort();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(seq));
    const JournalStats stats = writer.stats();
    state.counters["records_per_commit"] = stats.RecordsPerCommit();
    writer.Stop();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_AcceptedContactsAndSessionOpened)->Arg(16)->Arg(256)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace routerd::storage

BENCHMARK_MAIN();
