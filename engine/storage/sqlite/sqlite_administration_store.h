// SqliteAdministrationStore: run-time administration (administration.h) in
// SQLite. Each change is a journal record of the tenant's partition, applied on
// its writer thread inside the batch transaction, after the tenant's earlier
// records; the active-name rule of tokens is checked there. Load() reads every
// partition.
//
// Lifetime: the PartitionSet must outlive every call; records already
// submitted complete on the writer threads.
#pragma once

#include "engine/storage/administration.h"
#include "engine/storage/sqlite/partition_set.h"

namespace routerd::storage {

class SqliteAdministrationStore final : public AdministrationRepository {
 public:
  explicit SqliteAdministrationStore(PartitionSet& partitions) : partitions_(partitions) {}

  Status SaveCapAsync(CapSetting setting, Done done) override;
  Status CreateTokenAsync(StoredToken token, Created done) override;
  Status RevokeTokenAsync(std::string tenant_id, std::string name, std::string revoked_by, Done done) override;
  Status SaveDefinitionAsync(StoredDefinition definition, Done done) override;
  StatusOr<AdministrationState> Load() override;

 private:
  PartitionSet& partitions_;
};

}  // namespace routerd::storage
