// The journal's cost per accepted contact, the work that shares the server's
// cores with the I/O and router threads: one AcceptedContacts append per
// webhook (one contact) and one session-events append per router batch (the
// session opening), through the Storage interface and the real SQLite
// partitions with group commit.
//
// args: contacts per Flush (the group-commit batch each writer sees), the
// number of partitions (writer threads; tenants alternate so that every
// partition is written), and whether provider message ids are random (as
// WhatsApp's) rather than sequential: a dedup key index pays a page per
// random key where sequential keys share the last page. Counters: contacts/s (wall clock, all writers),
// per_writer (the same divided by the partitions) and cpu_us (process CPU per
// contact: producer and writers together, robust to other load on the machine).
//
// The data directory is on /dev/shm when it exists, so that the figure is the
// CPU cost of SQLite and the writers, not the disk's fsync latency (which the
// end-to-end benchmarks in bench/compare.sh include).
//
// BM_OneMessageSessions stores whole sessions of one message each, with and
// without their route traces (the trace is the one record per session that
// recovery does not need).
//
// With ROUTERD_BENCH_PG_URL set (bench/journal_bench_pg.sh starts a private
// server and sets it), the same benchmark also runs on the PostgreSQL backend,
// sync and async: there the figure includes the server's commit (fsync on) and
// its CPU, which is not this process's (cpu_us counts routerd's side only).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::storage {
namespace {

std::string TempDataDir() {
  const std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  std::string dir = (base / "routerd-journal-bench-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Keys unique across runs against one PostgreSQL database: a later run must
// insert, not find duplicates.
const std::string& RunNonce() {
  static const std::string nonce = std::to_string(SystemClock().WallMs());
  return nonce;
}

// A provider message id for contact `seq`. Sequential ids (LINE's, an
// email's counter) share a prefix and grow; random ones are what WhatsApp
// sends (its wamid carries a random message id): 20 hex digits of a mix of
// the sequence number, so each key lands anywhere in a key index.
std::string MessageId(std::uint64_t seq, bool random) {
  if (!random) return "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA-" + RunNonce() + "-" + std::to_string(seq);
  std::uint64_t z = seq + 0x9e3779b97f4a7c15ULL * (1 + std::hash<std::string>()(RunNonce()));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  char hex[21];
  std::snprintf(hex, sizeof hex, "%016llX%04llX", static_cast<unsigned long long>(z),
                static_cast<unsigned long long>(seq & 0xffff));
  return std::string("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQ") + hex + "AA==";
}

ContactPtr MakeContact(const std::string& tenant, std::uint64_t seq, bool random_id = false) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = tenant;
  c->channel_kind = "whatsapp";
  c->channel_id = "wa-" + tenant;
  c->customer_id = "1650555" + std::to_string(seq % 1000);
  c->display_name = "Sheena Nelson";
  c->provider_message_id = MessageId(seq, random_id);
  c->text = "Does it come in another color?";
  c->sent_at_ms = 1749416383000;
  c->received_at_ms = 1749416383007;
  return c;
}

// Opens and starts the storage `options` name; nullptr, with the benchmark
// skipped, when it cannot.
std::unique_ptr<Storage> Started(benchmark::State& state, const StorageOptions& options) {
  static const SystemClock clock;
  StatusOr<std::unique_ptr<Storage>> storage = OpenStorage(options, clock);
  if (!storage.ok() || !(*storage)->Start().ok()) {
    state.SkipWithError("cannot open storage");
    return nullptr;
  }
  return std::move(*storage);
}

void AcceptedContactsAndSessionOpened(benchmark::State& state, const std::string& backend,
                                      config::Durability durability) {
  const std::string dir = TempDataDir();
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  const int partitions = static_cast<int>(state.range(1));
  const bool random_ids = state.range(2) != 0;
  static std::uint64_t run = 0;
  ++run;
  {
    StorageOptions options;
    options.backend = backend;
    options.data_dir = dir;
    if (backend == "postgresql") options.url = std::getenv("ROUTERD_BENCH_PG_URL");
    options.durability = durability;
    options.partitions = partitions;
    for (int p = 0; p < partitions; ++p) {
      options.tenants.push_back("bench-" + std::to_string(run) + "-" + std::to_string(p));
    }
    std::unique_ptr<Storage> storage = Started(state, options);
    if (storage == nullptr) return;
    Storage& s = *storage;
    std::uint64_t seq = 0;
    const double cpu_before = ProcessCpuSeconds();
    for (auto _ : state) {
      for (std::uint64_t i = 0; i < batch; ++i, ++seq) {
        const std::string& tenant = options.tenants[seq % options.tenants.size()];
        ContactPtr c = MakeContact(tenant, seq, random_ids);
        AcceptedContacts record{tenant, c->channel_id, "whatsapp", {c}};
        if (!s.AppendContacts(std::move(record), {}).ok()) std::abort();
        std::vector<SessionEvent> events;
        events.emplace_back(
            SessionOpened{tenant, (seq + 1) << 24, "whatsapp", c->channel_id, c->customer_id, "general", 1749416383000, {c}});
        if (!s.AppendSessionEvents(std::move(events)).ok()) std::abort();
      }
      if (!s.Flush().ok()) std::abort();
    }
    const double cpu = ProcessCpuSeconds() - cpu_before;
    state.SetItemsProcessed(static_cast<std::int64_t>(seq));
    state.counters["per_writer"] =
        benchmark::Counter(static_cast<double>(seq) / partitions, benchmark::Counter::kIsRate);
    state.counters["cpu_us"] = seq ? cpu * 1e6 / static_cast<double>(seq) : 0.0;
    state.counters["records_per_commit"] = s.stats().RecordsPerCommit();
    s.Stop();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
// A route trace as the journal stores one for a session that was assigned
// once and closed (the API's JSON; about 330 bytes).
std::string TraceOf(std::uint64_t session_id, const Contact& c) {
  return "{\"session_id\":\"" + std::to_string(session_id) + "\",\"channel\":{\"kind\":\"whatsapp\",\"id\":\"" +
         c.channel_id + "\"},\"customer\":{\"id\":\"" + c.customer_id + "\",\"name\":\"" + c.display_name +
         "\"},\"state\":\"ended\",\"hops\":[{\"kind\":\"entered\",\"after_ms\":0,\"queue\":\"general\"},"
         "{\"kind\":\"assigned\",\"after_ms\":812,\"queue\":\"general\",\"employee_id\":\"10003\",\"by\":\"queue\","
         "\"effective_cap\":3,\"cap_origin\":\"ou\"},{\"kind\":\"ended\",\"after_ms\":95210,\"queue\":\"general\","
         "\"employee_id\":\"10003\",\"reason\":\"closed\",\"wrap_up_ms\":0}]}";
}

// A whole one-message session per contact: accepted, opened, assigned and
// closed (each router step its own append), with (traces = 1) or without the
// route trace the journal keeps with the end: what keeping traces costs the
// writer in the worst case, one trace row per contact.
void BM_OneMessageSessions(benchmark::State& state) {
  const std::string dir = TempDataDir();
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  const bool traces = state.range(1) != 0;
  static std::uint64_t run = 0;
  ++run;
  {
    StorageOptions options;
    options.data_dir = dir;
    options.tenants.push_back("lifecycle-" + std::to_string(run));
    const std::string& tenant = options.tenants[0];
    std::unique_ptr<Storage> storage = Started(state, options);
    if (storage == nullptr) return;
    Storage& s = *storage;
    std::uint64_t seq = 0;
    const double cpu_before = ProcessCpuSeconds();
    for (auto _ : state) {
      for (std::uint64_t i = 0; i < batch; ++i, ++seq) {
        ContactPtr c = MakeContact(tenant, seq);
        const std::uint64_t sid = (seq + 1) << 24;
        AcceptedContacts record{tenant, c->channel_id, "whatsapp", {c}};
        if (!s.AppendContacts(std::move(record), {}).ok()) std::abort();
        std::vector<SessionEvent> opened;
        opened.emplace_back(SessionOpened{tenant, sid, "whatsapp", c->channel_id, c->customer_id, "general",
                                          1749416383000, {c}});
        opened.emplace_back(SessionAssigned{tenant, sid, "10003"});
        if (!s.AppendSessionEvents(std::move(opened)).ok()) std::abort();
        std::vector<SessionEvent> ended;
        ended.emplace_back(SessionEnded{tenant, sid, "closed"});
        if (traces) ended.emplace_back(SessionTraceKept{tenant, sid, TraceOf(sid, *c)});
        if (!s.AppendSessionEvents(std::move(ended)).ok()) std::abort();
      }
      if (!s.Flush().ok()) std::abort();
    }
    const double cpu = ProcessCpuSeconds() - cpu_before;
    state.SetItemsProcessed(static_cast<std::int64_t>(seq));
    state.counters["cpu_us"] = seq ? cpu * 1e6 / static_cast<double>(seq) : 0.0;
    s.Stop();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_OneMessageSessions)
    ->ArgNames({"per_flush", "traces"})
    ->Args({256, 0})
    ->Args({256, 1})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void Register(const std::string& name, const std::string& backend, config::Durability durability) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [backend, durability](benchmark::State& state) {
                                 AcceptedContactsAndSessionOpened(state, backend, durability);
                               })
      ->ArgNames({"per_flush", "partitions", "random_ids"})
      ->Args({16, 1, 0})
      ->Args({256, 1, 0})
      ->Args({256, 2, 0})
      ->Args({256, 1, 1})
      ->Args({4096, 1, 0})
      ->Args({4096, 1, 1})
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace
}  // namespace routerd::storage

int main(int argc, char** argv) {
  using routerd::config::Durability;
  // The SQLite figure is the same in both modes but for the commit spacing.
  routerd::storage::Register("BM_AcceptedContactsAndSessionOpened", "sqlite", Durability::kSync);
  if (std::getenv("ROUTERD_BENCH_PG_URL") != nullptr) {
    routerd::storage::Register("BM_AcceptedContactsAndSessionOpened_PostgreSQLSync", "postgresql", Durability::kSync);
    routerd::storage::Register("BM_AcceptedContactsAndSessionOpened_PostgreSQLAsync", "postgresql", Durability::kAsync);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
