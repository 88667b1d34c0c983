// PgWriterSet: the PostgreSQL backend's journal partitions. Each partition is
// one PgWriter (a thread and a connection) over the same shared tables: what
// partitions divide is the writing, not the data. A tenant always writes
// through the same writer, so its records are stored in the order they were
// made; the tenant's place among the configured tenants picks the writer
// (tenants not configured at open by their hash).
//
// Thread safety: ForTenant and at() from any thread once built.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/storage/postgresql/pg_writer.h"

namespace routerd::storage {

class PgWriterSet {
 public:
  PgWriterSet(std::vector<std::unique_ptr<PgWriter>> writers, const std::vector<std::string>& tenants);

  PgWriter& ForTenant(const std::string& tenant_id) const;
  std::size_t IndexOf(const std::string& tenant_id) const;
  PgWriter& at(std::size_t i) const { return *writers_[i]; }
  std::size_t size() const { return writers_.size(); }

 private:
  std::vector<std::unique_ptr<PgWriter>> writers_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace routerd::storage
