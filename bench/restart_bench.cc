// Restart recovery time: journals N contacts through the Storage interface
// (sessions of 4 messages, one in ten still open at the end, one contact in a
// thousand never routed), stops, then times what a restart does before the
// daemon listens: opening the partition files (integrity check, schema),
// LoadOpenState (folding the session events, finding pending contacts), and
// starting the writers (each reads which sessions are open).
//
//   restart_bench [contacts=1000000] [partitions=1] [data_dir=a new temporary directory]
//
// With contacts = 0 nothing is journaled: it times a restart of data_dir as
// it is, e.g. one written by an earlier release (the schema upgrade is then
// part of "open").
//
// A plain program: the figure is one restart, printed, not a loop.
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <string>

#include "engine/storage/storage.h"
#include "routerd/clock.h"

namespace routerd::storage {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

ContactPtr MakeContact(const std::string& tenant, std::uint64_t seq) {
  auto c = std::make_shared<Contact>();
  c->tenant_id = tenant;
  c->channel_kind = "whatsapp";
  c->channel_id = "wa-" + tenant;
  c->customer_id = "1650555" + std::to_string(seq / 4);
  c->display_name = "Sheena Nelson";
  c->provider_message_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA-" + std::to_string(seq);
  c->text = "Does it come in another color?";
  c->sent_at_ms = 1749416383000;
  c->received_at_ms = 1749416383007;
  return c;
}

int Run(std::uint64_t contacts, int partitions, std::string dir) {
  StorageOptions options;
  options.data_dir = dir;
  options.partitions = partitions;
  options.prune_interval_ms = 0;
  for (int p = 0; p < partitions; ++p) options.tenants.push_back("t" + std::to_string(p));
  SystemClock clock;

  auto fill_start = std::chrono::steady_clock::now();
  if (contacts > 0) {
    StatusOr<std::unique_ptr<Storage>> storage = OpenStorage(options, clock);
    if (!storage.ok() || !(*storage)->Start().ok()) {
      std::fprintf(stderr, "cannot open storage in %s\n", dir.c_str());
      return 1;
    }
    Storage& s = **storage;
    std::vector<SessionEvent> events;
    for (std::uint64_t seq = 0; seq < contacts; ++seq) {
      const std::string& tenant = options.tenants[(seq / 4) % options.tenants.size()];
      ContactPtr c = MakeContact(tenant, seq);
      while (s.AppendContacts(AcceptedContacts{tenant, c->channel_id, "whatsapp", {c}}, {}).code() ==
             StatusCode::kResourceExhausted) {
        (void)s.Flush();
      }
      if (seq % 1000 == 999) continue;  // accepted, never routed: pending after the restart
      const std::uint64_t session = seq / 4 + 1;
      if (seq % 4 == 0) {
        events.emplace_back(SessionOpened{tenant, session, "whatsapp", c->channel_id, c->customer_id, "general",
                                          1749416383000, {c}});
      } else {
        events.emplace_back(SessionContactsAdded{tenant, session, {c}});
      }
      if (seq % 4 == 3 && session % 10 != 0) events.emplace_back(SessionEnded{tenant, session, "closed"});
      if (events.size() >= 64) {
        while (s.AppendSessionEvents(events).code() == StatusCode::kResourceExhausted) (void)s.Flush();
        events.clear();
      }
    }
    if (!events.empty()) (void)s.AppendSessionEvents(std::move(events));
    if (!s.Flush().ok()) return 1;
    s.Stop();
  }
  const double fill = Seconds(fill_start);

  auto t0 = std::chrono::steady_clock::now();
  StatusOr<std::unique_ptr<Storage>> storage = OpenStorage(options, clock);
  if (!storage.ok()) {
    std::fprintf(stderr, "reopen: %s\n", storage.status().ToString().c_str());
    return 1;
  }
  const double open = Seconds(t0);
  auto t1 = std::chrono::steady_clock::now();
  StatusOr<OpenState> state = (*storage)->LoadOpenState();
  if (!state.ok()) {
    std::fprintf(stderr, "load: %s\n", state.status().ToString().c_str());
    return 1;
  }
  const double load = Seconds(t1);
  auto t2 = std::chrono::steady_clock::now();
  if (!(*storage)->Start().ok()) return 1;
  const double start = Seconds(t2);
  (*storage)->Stop();

  std::uintmax_t bytes = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) bytes += f.is_regular_file() ? f.file_size() : 0;
  std::printf("restart_bench: %llu contacts journaled in %.1f s, %d partition(s), %.0f MB in %s\n",
              static_cast<unsigned long long>(contacts), fill, partitions, static_cast<double>(bytes) / 1e6,
              dir.c_str());
  std::printf("restart: open %.2f s + load open state %.2f s + start writers %.2f s = %.2f s\n", open, load, start,
              open + load + start);
  std::printf("restored: %zu open sessions (%zu contacts in them), %zu pending contacts, %llu dedup keys\n",
              state->sessions.size(),
              [&] {
                std::size_t n = 0;
                for (const auto& s : state->sessions) n += s.contacts.size();
                return n;
              }(),
              state->pending_contacts.size(), static_cast<unsigned long long>(state->dedup_keys));
  return 0;
}

}  // namespace
}  // namespace routerd::storage

int main(int argc, char** argv) {
  const std::uint64_t contacts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const int partitions = argc > 2 ? std::atoi(argv[2]) : 1;
  std::string dir;
  bool temporary = false;
  if (argc > 3) {
    dir = argv[3];
  } else {
    dir = (std::filesystem::temp_directory_path() / "routerd-restart-bench-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) return 1;
    temporary = true;
  }
  int rc = routerd::storage::Run(contacts, partitions, dir);
  if (temporary) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return rc;
}
