#include "engine/storage/postgresql/pg_writer_set.h"

#include <functional>

namespace routerd::storage {

PgWriterSet::PgWriterSet(std::vector<std::unique_ptr<PgWriter>> writers, const std::vector<std::string>& tenants)
    : writers_(std::move(writers)) {
  for (const std::string& t : tenants) index_.emplace(t, index_.size() % writers_.size());
}

std::size_t PgWriterSet::IndexOf(const std::string& tenant_id) const {
  auto it = index_.find(tenant_id);
  if (it != index_.end()) return it->second;
  return std::hash<std::string>()(tenant_id) % writers_.size();
}

PgWriter& PgWriterSet::ForTenant(const std::string& tenant_id) const { return *writers_[IndexOf(tenant_id)]; }

}  // namespace routerd::storage
