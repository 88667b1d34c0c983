#include "engine/storage/postgresql/pg_lease_fence.h"

namespace routerd::storage {

StatusOr<PgBatchLeases> ReadBatchLeases(PgConnection& conn, const std::string& instance_id,
                                        const std::vector<std::string_view>& tenants) {
  PgParams p;
  p.Add(std::string_view(instance_id)).Add(std::string_view(PgTextArray(tenants)));
  StatusOr<PgResult> r = conn.Query(
      "SELECT tenant_id, epoch FROM tenant_leases WHERE owner = $1 AND tenant_id = ANY($2::text[])"
      " ORDER BY tenant_id FOR SHARE",
      p);
  if (!r.ok()) return r.status();
  PgBatchLeases leases;
  for (int row = 0; row < r->rows(); ++row) {
    leases.held.emplace(std::string(r->Text(row, 0)), static_cast<std::uint64_t>(r->Int64(row, 1)));
  }
  return leases;
}

Status LeaseNotHeld(const std::string& tenant_id, std::uint64_t epoch) {
  return Status::FailedPrecondition("lease of tenant " + tenant_id + " at epoch " + std::to_string(epoch) +
                                    " is no longer held by this instance");
}

}  // namespace routerd::storage
