#include "engine/storage/postgresql/pg_cluster_store.h"

#include <utility>

#include "engine/storage/postgresql/pg_contact_rows.h"
#include "engine/storage/postgresql/pg_journal_reader.h"
#include "engine/storage/postgresql/pg_lease_fence.h"

namespace routerd::storage {
namespace {

// The rows (aliased l) of the leases in unnest($2 tenants, $3 epochs) that
// $1 still holds at those epochs, in tenant order (the lock order).
constexpr const char* kHeldAmong =
    " FROM tenant_leases l JOIN unnest($2::text[], $3::bigint[]) AS h(tenant_id, epoch)"
    " ON l.tenant_id = h.tenant_id AND l.epoch = h.epoch WHERE l.owner = $1 ORDER BY l.tenant_id";

std::int64_t Ms(std::chrono::milliseconds d) { return static_cast<std::int64_t>(d.count()); }

PgParams HeldParams(const std::string& instance_id, const std::vector<HeldLease>& held) {
  PgArrayText tenants, epochs;
  for (const HeldLease& h : held) {
    tenants.Add(h.tenant_id);
    epochs.Add(static_cast<std::int64_t>(h.epoch));
  }
  PgParams p;
  p.Add(std::string_view(instance_id)).Add(std::string_view(tenants.Take())).Add(std::string_view(epochs.Take()));
  return p;
}

// Runs `body` inside BEGIN (`begin`) ... COMMIT, rolled back when it fails.
template <typename Body>
Status InTransaction(PgConnection& conn, const char* begin, Body body) {
  ROUTERD_RETURN_IF_ERROR(conn.Exec(begin));
  Status s = body();
  if (s.ok()) s = conn.Exec("COMMIT");
  if (!s.ok() && !conn.Broken() && conn.InTransaction()) (void)conn.Exec("ROLLBACK");
  return s;
}

}  // namespace

StatusOr<std::unique_ptr<ClusterSession>> PgClusterStore::Connect() {
  StatusOr<std::unique_ptr<PgConnection>> conn = PgConnection::Connect(conninfo_, settings_);
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<ClusterSession>(std::make_unique<PgClusterSession>(std::move(conn).value()));
}

Status PgClusterSession::Heartbeat(const std::string& instance_id, const std::string& url, bool leaving) {
  PgParams p;
  p.Add(std::string_view(instance_id)).Add(std::string_view(url)).Add(leaving ? "true" : "false");
  // An instance that left cleanly and comes back with the same id has started
  // again; otherwise the row keeps its first start.
  StatusOr<PgResult> r = conn_->Query(
      "INSERT INTO cluster_instances AS i (instance_id, url, started_at, heartbeat_at, leaving)"
      " VALUES ($1, $2, now(), now(), $3::boolean) ON CONFLICT (instance_id) DO UPDATE SET url = EXCLUDED.url,"
      " heartbeat_at = now(), leaving = EXCLUDED.leaving,"
      " started_at = CASE WHEN i.leaving AND NOT EXCLUDED.leaving THEN now() ELSE i.started_at END",
      p);
  return r.ok() ? Status::Ok() : r.status();
}

StatusOr<std::vector<ClusterInstance>> PgClusterSession::LiveInstances(std::chrono::milliseconds lease) {
  PgParams p;
  p.Add(Ms(lease));
  StatusOr<PgResult> r = conn_->Query(
      "SELECT instance_id, url FROM cluster_instances WHERE NOT leaving"
      " AND heartbeat_at > now() - $1::bigint * interval '1 millisecond' ORDER BY instance_id",
      p);
  if (!r.ok()) return r.status();
  std::vector<ClusterInstance> out;
  for (int row = 0; row < r->rows(); ++row) {
    out.push_back(ClusterInstance{std::string(r->Text(row, 0)), std::string(r->Text(row, 1))});
  }
  return out;
}

StatusOr<std::vector<TenantLease>> PgClusterSession::Leases() {
  StatusOr<PgResult> r =
      conn_->Query("SELECT tenant_id, owner, epoch, expires_at <= now() FROM tenant_leases ORDER BY tenant_id");
  if (!r.ok()) return r.status();
  std::vector<TenantLease> out;
  for (int row = 0; row < r->rows(); ++row) {
    TenantLease l;
    l.tenant_id = r->Text(row, 0);
    l.owner = r->OptionalText(row, 1).value_or("");
    l.epoch = static_cast<std::uint64_t>(r->Int64(row, 2));
    l.expired = r->Text(row, 3) == "t";
    out.push_back(std::move(l));
  }
  return out;
}

StatusOr<std::vector<HeldLease>> PgClusterSession::Renew(const std::string& instance_id,
                                                         const std::vector<HeldLease>& held,
                                                         std::chrono::milliseconds lease) {
  if (held.empty()) return std::vector<HeldLease>{};
  PgParams p = HeldParams(instance_id, held);
  p.Add(Ms(lease));
  // One statement; the rows are locked first, in tenant order (an UPDATE alone
  // would lock them in whatever order its plan visits them).
  StatusOr<PgResult> r = conn_->Query(
      std::string("WITH mine AS (SELECT l.tenant_id") + kHeldAmong +
          " FOR UPDATE OF l) UPDATE tenant_leases l SET expires_at = clock_timestamp() + $4::bigint * interval '1 millisecond'"
          " FROM mine WHERE l.tenant_id = mine.tenant_id RETURNING l.tenant_id, l.epoch",
      p);
  if (!r.ok()) return r.status();
  std::vector<HeldLease> out;
  for (int row = 0; row < r->rows(); ++row) {
    out.push_back(HeldLease{std::string(r->Text(row, 0)), static_cast<std::uint64_t>(r->Int64(row, 1))});
  }
  return out;
}

StatusOr<std::optional<std::uint64_t>> PgClusterSession::Claim(const std::string& instance_id,
                                                               const std::string& tenant_id,
                                                               std::chrono::milliseconds lease) {
  PgParams p;
  p.Add(std::string_view(instance_id)).Add(std::string_view(tenant_id)).Add(Ms(lease));
  // A concurrent claim of the same tenant waits for this one's row and then
  // finds it live: exactly one of them gets the epoch.
  StatusOr<PgResult> r = conn_->Query(
      "INSERT INTO tenant_leases AS l (tenant_id, owner, epoch, expires_at)"
      " VALUES ($2, $1, 1, clock_timestamp() + $3::bigint * interval '1 millisecond')"
      " ON CONFLICT (tenant_id) DO UPDATE SET owner = EXCLUDED.owner, epoch = l.epoch + 1,"
      " expires_at = EXCLUDED.expires_at WHERE l.owner IS NULL OR l.expires_at <= now() RETURNING l.epoch",
      p);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(static_cast<std::uint64_t>(r->Int64(0, 0)));
}

Status PgClusterSession::Release(const std::string& instance_id, const HeldLease& lease) {
  PgParams p;
  p.Add(std::string_view(instance_id)).Add(std::string_view(lease.tenant_id));
  p.Add(static_cast<std::int64_t>(lease.epoch)).Add(std::string_view(kLeasesChannel));
  // The NOTIFY only when the lease was released, at the same commit.
  StatusOr<PgResult> r = conn_->Query(
      "WITH released AS (UPDATE tenant_leases SET owner = NULL, expires_at = now()"
      " WHERE tenant_id = $2 AND owner = $1 AND epoch = $3 RETURNING tenant_id)"
      " SELECT pg_notify($4, tenant_id) FROM released",
      p);
  return r.ok() ? Status::Ok() : r.status();
}

Status PgClusterSession::AnnounceMembership() {
  PgParams p;
  p.Add(std::string_view(kLeasesChannel));
  StatusOr<PgResult> r = conn_->Query("SELECT pg_notify($1, '')", p);
  return r.ok() ? Status::Ok() : r.status();
}

StatusOr<OpenState> PgClusterSession::LoadTenant(const std::string& instance_id, const HeldLease& lease) {
  OpenState state;
  PgConnection& conn = *conn_;
  // The lease check is the first statement: it takes the snapshot every read
  // and the inbox delete then use, so the delete removes exactly the rows
  // whose contacts the pending read returned.
  Status s = InTransaction(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ", [&]() -> Status {
    PgParams p;
    p.Add(std::string_view(lease.tenant_id)).Add(std::string_view(instance_id));
    p.Add(static_cast<std::int64_t>(lease.epoch));
    StatusOr<PgResult> held = conn.Query(
        "SELECT 1 FROM tenant_leases WHERE tenant_id = $1 AND owner = $2 AND epoch = $3 FOR SHARE", p);
    if (!held.ok()) return held.status();
    if (held->rows() == 0) return LeaseNotHeld(lease.tenant_id, lease.epoch);
    ROUTERD_RETURN_IF_ERROR(ReadOpenSessionsPg(conn, lease.tenant_id, state));
    PgParams tenant;
    tenant.Add(std::string_view(lease.tenant_id));
    StatusOr<PgResult> emptied = conn.Query("DELETE FROM contact_inbox WHERE tenant_id = $1", tenant);
    return emptied.ok() ? Status::Ok() : emptied.status();
  });
  if (!s.ok()) return s;
  return state;
}

StatusOr<std::vector<std::string>> PgClusterSession::LockHeld(const std::string& instance_id,
                                                              const std::vector<HeldLease>& held) {
  StatusOr<PgResult> r =
      conn_->Query(std::string("SELECT l.tenant_id") + kHeldAmong + " FOR SHARE OF l", HeldParams(instance_id, held));
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (int row = 0; row < r->rows(); ++row) out.emplace_back(r->Text(row, 0));
  return out;
}

StatusOr<std::vector<ContactPtr>> PgClusterSession::TakeInbox(const std::string& instance_id,
                                                              const std::vector<HeldLease>& held, std::size_t limit) {
  std::vector<ContactPtr> out;
  if (held.empty() || limit == 0) return out;
  PgConnection& conn = *conn_;
  Status s = InTransaction(conn, "BEGIN", [&]() -> Status {
    StatusOr<std::vector<std::string>> tenants = LockHeld(instance_id, held);
    if (!tenants.ok()) return tenants.status();
    if (tenants->empty()) return Status::Ok();
    std::vector<std::string_view> names(tenants->begin(), tenants->end());
    PgParams p;
    p.Add(std::string_view(PgTextArray(names))).Add(static_cast<std::int64_t>(limit));
    // SKIP LOCKED: rows another session of the owner is taking are its own.
    // A row whose contact was pruned meanwhile goes without a contact.
    StatusOr<PgResult> r = conn.Query(
        std::string("WITH taken AS (DELETE FROM contact_inbox WHERE seq IN (SELECT seq FROM contact_inbox"
                    " WHERE tenant_id = ANY($1::text[]) ORDER BY seq LIMIT $2 FOR UPDATE SKIP LOCKED)"
                    " RETURNING seq, channel_id, provider_message_id) SELECT ") +
            kPgContactColumns +
            " FROM taken t JOIN contacts c ON c.channel_id = t.channel_id"
            " AND c.provider_message_id = t.provider_message_id ORDER BY t.seq",
        p);
    if (!r.ok()) return r.status();
    for (int row = 0; row < r->rows(); ++row) {
      StatusOr<ContactPtr> c = ReadPgContact(*r, row);
      if (!c.ok()) return c.status();
      out.push_back(std::move(c).value());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PgClusterSession::Listen(const std::string& channel) { return conn_->Listen(channel); }

StatusOr<std::vector<ClusterNotification>> PgClusterSession::Wait(std::chrono::milliseconds timeout) {
  StatusOr<std::vector<PgNotification>> got = conn_->WaitForNotifications(timeout);
  if (!got.ok()) return got.status();
  std::vector<ClusterNotification> out;
  out.reserve(got->size());
  for (PgNotification& n : *got) out.push_back(ClusterNotification{std::move(n.channel), std::move(n.payload)});
  return out;
}

}  // namespace routerd::storage
