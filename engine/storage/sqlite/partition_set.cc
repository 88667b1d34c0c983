#include "engine/storage/sqlite/partition_set.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <system_error>

#include "engine/storage/sqlite/journal_records.h"

namespace routerd::storage {
namespace {

namespace fs = std::filesystem;

// The highest partition index with a file in `dir`, or -1 when there is none.
int HighestExistingPartition(const std::string& dir) {
  int highest = -1;
  std::error_code ec;
  if (fs::exists(fs::path(dir) / PartitionSet::FileName(0), ec)) highest = 0;
  static const std::regex kName(R"(routerd-([1-9][0-9]{0,3})\.db)");
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::smatch m;
    const std::string name = it->path().filename().string();
    if (std::regex_match(name, m, kName)) highest = std::max(highest, std::stoi(m[1].str()));
  }
  return highest;
}

StatusOr<std::vector<std::string>> StoredTenants(Database& db) {
  StatusOr<Statement> st = db.writer().Prepare("SELECT tenant_id FROM tenants ORDER BY tenant_id");
  if (!st.ok()) return st.status();
  std::vector<std::string> out;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(st->ColumnText(0));
  }
  return out;
}

// Leave-message ids are shown to people and used in URLs: partition i numbers
// its messages from i * 2^40, so that ids stay unique across partitions
// (partition 0 keeps the ids it always had).
Status SeedLeaveMessageIds(SqliteConnection& conn, int index) {
  if (index == 0) return Status::Ok();
  const std::int64_t base = static_cast<std::int64_t>(index) << 40;
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  Status s = conn.Exec("DELETE FROM sqlite_sequence WHERE name = 'leave_messages' AND seq < " + std::to_string(base));
  if (s.ok()) {
    s = conn.Exec("INSERT INTO sqlite_sequence (name, seq) SELECT 'leave_messages', " + std::to_string(base) +
                  " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'leave_messages')");
  }
  if (s.ok()) s = conn.Exec("COMMIT");
  if (!s.ok() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  return s;
}

}  // namespace

std::string PartitionSet::FileName(int index) {
  return index == 0 ? std::string(Database::kFileName) : "routerd-" + std::to_string(index) + ".db";
}

PartitionSet::~PartitionSet() {
  // Writers first: their records reference the databases.
  for (auto& p : partitions_) {
    if (p->writer) p->writer->Stop();
  }
  for (auto& p : partitions_) p->writer.reset();
}

StatusOr<std::unique_ptr<PartitionSet>> PartitionSet::Open(const StorageOptions& options, const Clock& clock) {
  if (options.data_dir.empty()) return Status::InvalidArgument("storage data_dir is empty");
  if (options.partitions < 1 || options.partitions > 256) {
    return Status::InvalidArgument("storage partitions: " + std::to_string(options.partitions) + ", allowed 1..256");
  }
  std::error_code ec;
  fs::create_directories(options.data_dir, ec);
  if (ec) return Status::Unavailable("cannot create data directory " + options.data_dir + ": " + ec.message());

  const int count = std::max(options.partitions, HighestExistingPartition(options.data_dir) + 1);
  std::unique_ptr<PartitionSet> set(new PartitionSet(options.data_dir, options.partitions));
  JournalWriterOptions writer_options;
  writer_options.capacity = options.queue_capacity;
  writer_options.retention_ms = options.retention_ms;
  writer_options.prune_interval_ms = options.prune_interval_ms;
  // Async: nobody waits for a commit, so commit at most every 10 ms (one
  // fsync instead of dozens); sync: every batch at once, its providers wait.
  if (options.durability == config::Durability::kAsync) writer_options.commit_interval_ms = 10;

  std::unordered_map<std::string, std::string> seen_in;  // tenant -> file, to refuse duplicates
  for (int i = 0; i < count; ++i) {
    DatabaseOptions db_options;
    db_options.data_dir = options.data_dir;
    db_options.file_name = FileName(i);
    db_options.quick_check = options.quick_check;
    StatusOr<std::unique_ptr<Database>> db = Database::Open(db_options);
    if (!db.ok()) return db.status();
    if (Status s = SeedLeaveMessageIds((*db)->writer(), i); !s.ok()) {
      return Status(s.code(), (*db)->path() + ": " + s.message());
    }
    StatusOr<std::vector<std::string>> tenants = StoredTenants(**db);
    if (!tenants.ok()) return Status(tenants.status().code(), (*db)->path() + ": " + tenants.status().message());
    for (std::string& t : *tenants) {
      auto [it, fresh] = seen_in.emplace(t, (*db)->path());
      if (!fresh) {
        return Status::FailedPrecondition("tenant \"" + t + "\" is recorded in both " + it->second + " and " +
                                          (*db)->path() + ": a data directory holds each tenant in one file; "
                                          "restore the directory from one backup");
      }
      set->tenants_.emplace(std::move(t), i);
    }
    auto p = std::make_unique<Partition>();
    p->index = i;
    p->db = std::move(db).value();
    p->writer = std::make_unique<JournalWriter>(*p->db, clock, writer_options);
    set->partitions_.push_back(std::move(p));
  }
  set->tenant_counts_.assign(set->partitions_.size(), 0);
  for (const auto& [tenant, index] : set->tenants_) ++set->tenant_counts_[index];

  // Configured tenants seen for the first time: recorded now, before any
  // record of theirs can be written.
  for (const std::string& tenant : options.tenants) {
    if (set->tenants_.count(tenant)) continue;
    const int index = set->LeastLoaded();
    Status s = RecordTenant(set->partitions_[index]->db->writer(), tenant, clock.WallMs());
    if (!s.ok()) return Status(s.code(), set->partitions_[index]->db->path() + ": " + s.message());
    set->tenants_.emplace(tenant, index);
    ++set->tenant_counts_[index];
  }
  return set;
}

int PartitionSet::LeastLoaded() const {
  int best = 0;
  for (int i = 1; i < new_tenant_partitions_ && i < static_cast<int>(tenant_counts_.size()); ++i) {
    if (tenant_counts_[i] < tenant_counts_[best]) best = i;
  }
  return best;
}

Partition* PartitionSet::Find(std::string_view tenant_id) {
  if (auto it = tenants_.find(tenant_id); it != tenants_.end()) return partitions_[it->second].get();
  std::lock_guard lock(late_mu_);
  auto it = late_tenants_.find(tenant_id);
  return it == late_tenants_.end() ? nullptr : partitions_[it->second.index].get();
}

Partition& PartitionSet::ForTenant(std::string_view tenant_id) {
  if (auto it = tenants_.find(tenant_id); it != tenants_.end()) return *partitions_[it->second];
  std::lock_guard lock(late_mu_);
  auto it = late_tenants_.find(tenant_id);
  if (it == late_tenants_.end()) {
    const int index = LeastLoaded();
    ++tenant_counts_[index];
    it = late_tenants_.emplace(std::string(tenant_id), LateTenant{index, false}).first;
  }
  Partition& p = *partitions_[it->second.index];
  if (!it->second.recorded) {
    // Queued ahead of the caller's record, in the same FIFO.
    (void)p.writer->Submit(MakeTenantRecord(std::string(tenant_id), [this, tenant = std::string(tenant_id)](
                                                                         const Status& s) {
      if (!s.ok()) return;
      std::lock_guard done_lock(late_mu_);
      if (auto t = late_tenants_.find(tenant); t != late_tenants_.end()) t->second.recorded = true;
    }));
  }
  return p;
}

}  // namespace routerd::storage
