// PgAdministrationStore: run-time administration (administration.h) in
// PostgreSQL. Each change is a record submitted to the tenant's PgWriter and
// run inside its batch transaction, after the tenant's earlier records, and
// stamped with the batch's time. The active-name rule of tokens is the partial
// unique index api_tokens_active_name, so that it holds across routerd
// instances too. Load() reads every tenant's rows through a lent reader.
//
// Lifetime: the writers and the reader pool must outlive every call; records
// already submitted complete on the writer threads.
#pragma once

#include <string>

#include "engine/storage/administration.h"
#include "engine/storage/postgresql/pg_reader_pool.h"
#include "engine/storage/postgresql/pg_writer_set.h"

namespace routerd::storage {

class PgAdministrationStore final : public AdministrationRepository {
 public:
  PgAdministrationStore(PgWriterSet& writers, PgReaderPool& readers) : writers_(writers), readers_(readers) {}

  Status SaveCapAsync(CapSetting setting, Done done) override;
  Status CreateTokenAsync(StoredToken token, Created done) override;
  Status RevokeTokenAsync(std::string tenant_id, std::string name, std::string revoked_by, Done done) override;
  Status SaveDefinitionAsync(StoredDefinition definition, Done done) override;
  StatusOr<AdministrationState> Load() override;

 private:
  PgWriterSet& writers_;
  PgReaderPool& readers_;
};

}  // namespace routerd::storage
