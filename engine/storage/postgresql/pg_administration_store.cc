#include "engine/storage/postgresql/pg_administration_store.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "engine/config/token_rules.h"
#include "routerd/crypto.h"

namespace routerd::storage {
namespace {

using Role = config::TokenConfig::Role;

class CapSettingRecord final : public PgRecord {
 public:
  CapSettingRecord(CapSetting setting, AdministrationRepository::Done done)
      : setting_(std::move(setting)), done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    PgParams p;
    p.Add(std::string_view(setting_.tenant_id)).Add(CapScopeName(setting_.scope));
    p.Add(std::string_view(setting_.subject_id));
    if (setting_.cap) {
      p.Add(static_cast<std::int64_t>(*setting_.cap));
    } else {
      p.AddNull();
    }
    p.Add(ctx.now_ms).Add(std::string_view(setting_.set_by)).Add(setting_.personal ? "true" : "false");
    StatusOr<PgResult> r = ctx.conn.Query(
        "INSERT INTO cap_settings (tenant_id, scope, subject_id, cap, set_at_ms, set_by, personal)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, scope, subject_id) DO UPDATE SET"
        " cap = excluded.cap, set_at_ms = excluded.set_at_ms, set_by = excluded.set_by, personal = excluded.personal",
        p);
    return r.ok() ? Status::Ok() : r.status();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  CapSetting setting_;
  AdministrationRepository::Done done_;
};

class CreateTokenRecord final : public PgRecord {
 public:
  CreateTokenRecord(StoredToken token, AdministrationRepository::Created done)
      : token_(std::move(token)), done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    token_.created_at_ms = ctx.now_ms;
    PgParams p;
    p.Add(std::string_view(token_.tenant_id)).Add(std::string_view(token_.name));
    p.Add(config::TokenRoleName(token_.role)).Add(std::string_view(token_.employee_id));
    p.Add(std::string_view(HexLower(token_.sha256))).Add(token_.created_at_ms).Add(std::string_view(token_.created_by));
    // The index decides, not an earlier read: an insert of the same active
    // name by another instance waits for that one's commit, then conflicts.
    StatusOr<PgResult> r = ctx.conn.Query(
        "INSERT INTO api_tokens (tenant_id, name, role, employee_id, sha256_hex, created_at_ms, created_by)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (tenant_id, name) WHERE revoked_at_ms IS NULL DO NOTHING RETURNING id",
        p);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) {
      return Status::AlreadyExists("tenant " + token_.tenant_id + " already has a token named '" + token_.name +
                                   "'; revoke it first or choose another name");
    }
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (!done_) return;
    if (status.ok()) {
      done_(std::move(token_));
    } else {
      done_(status);
    }
  }

 private:
  StoredToken token_;
  AdministrationRepository::Created done_;
};

class RevokeTokenRecord final : public PgRecord {
 public:
  RevokeTokenRecord(std::string tenant_id, std::string name, std::string revoked_by,
                    AdministrationRepository::Done done)
      : tenant_id_(std::move(tenant_id)), name_(std::move(name)), revoked_by_(std::move(revoked_by)),
        done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    PgParams p;
    p.Add(std::string_view(tenant_id_)).Add(std::string_view(name_)).Add(ctx.now_ms);
    p.Add(std::string_view(revoked_by_));
    StatusOr<PgResult> r = ctx.conn.Query(
        "UPDATE api_tokens SET revoked_at_ms = $3, revoked_by = $4"
        " WHERE tenant_id = $1 AND name = $2 AND revoked_at_ms IS NULL",
        p);
    if (!r.ok()) return r.status();
    if (r->affected() == 0) {
      return Status::NotFound("tenant " + tenant_id_ + " has no active token named '" + name_ + "'");
    }
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  std::string tenant_id_, name_, revoked_by_;
  AdministrationRepository::Done done_;
};

class DefinitionRecord final : public PgRecord {
 public:
  DefinitionRecord(StoredDefinition definition, AdministrationRepository::Done done)
      : definition_(std::move(definition)), done_(std::move(done)) {}

  Status Apply(PgWriteContext& ctx) override {
    PgParams p;
    p.Add(std::string_view(definition_.tenant_id)).Add(DefinitionKindName(definition_.kind));
    p.Add(std::string_view(definition_.object_id));
    if (definition_.definition) {
      p.Add(std::string_view(*definition_.definition));
    } else {
      p.AddNull();
    }
    p.Add(ctx.now_ms).Add(std::string_view(definition_.set_by));
    // A new seq on a change too: it then loads after every earlier change,
    // even one stamped in the same millisecond.
    StatusOr<PgResult> r = ctx.conn.Query(
        "INSERT INTO definitions (tenant_id, kind, object_id, definition, set_at_ms, set_by)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, kind, object_id) DO UPDATE SET"
        " seq = DEFAULT, definition = excluded.definition, set_at_ms = excluded.set_at_ms, set_by = excluded.set_by",
        p);
    if (!r.ok() || definition_.definition) return r.ok() ? Status::Ok() : r.status();
    // A removed agent's or OU's run-time cap ends with it, in the same
    // transaction: one created again later starts from its definition, after
    // a restart as before it.
    PgParams subject;
    subject.Add(std::string_view(definition_.tenant_id)).Add(DefinitionKindName(definition_.kind));
    subject.Add(std::string_view(definition_.object_id));
    StatusOr<PgResult> forgotten =
        ctx.conn.Query("DELETE FROM cap_settings WHERE tenant_id = $1 AND scope = $2 AND subject_id = $3", subject);
    return forgotten.ok() ? Status::Ok() : forgotten.status();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  StoredDefinition definition_;
  AdministrationRepository::Done done_;
};

Status LoadDefinitions(PgConnection& conn, AdministrationState& into) {
  StatusOr<PgResult> r = conn.Query(
      "SELECT tenant_id, kind, object_id, definition, set_at_ms, set_by FROM definitions ORDER BY set_at_ms, seq");
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    StoredDefinition d;
    d.tenant_id = r->Text(row, 0);
    const std::string kind(r->Text(row, 1));
    d.object_id = r->Text(row, 2);
    // Skipping the row would apply the file's object where the administrator
    // defined another: refuse instead.
    const std::optional<DefinitionKind> known = DefinitionKindFromName(kind);
    if (!known) {
      return Status::DataLoss(conn.Describe() + ": the definition of " + d.tenant_id + "/" + kind + "/" +
                              d.object_id + " has an unknown kind '" + kind + "'");
    }
    d.kind = *known;
    if (!r->IsNull(row, 3)) d.definition = r->Text(row, 3);
    d.set_at_ms = r->Int64(row, 4);
    d.set_by = r->Text(row, 5);
    into.definitions.push_back(std::move(d));
  }
  return Status::Ok();
}

Status LoadCaps(PgConnection& conn, AdministrationState& into) {
  StatusOr<PgResult> r = conn.Query(
      "SELECT tenant_id, scope, subject_id, cap, set_at_ms, set_by, personal FROM cap_settings"
      " ORDER BY set_at_ms, tenant_id, scope, subject_id");
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    CapSetting s;
    s.tenant_id = r->Text(row, 0);
    const std::optional<CapScope> scope = ParseCapScope(r->Text(row, 1));
    if (!scope) return Status::DataLoss(conn.Describe() + ": cap_settings has an unknown scope");
    s.scope = *scope;
    s.subject_id = r->Text(row, 2);
    if (!r->IsNull(row, 3)) s.cap = static_cast<int>(r->Int64(row, 3));
    s.set_at_ms = r->Int64(row, 4);
    s.set_by = r->Text(row, 5);
    s.personal = r->Text(row, 6) == "t";
    into.caps.push_back(std::move(s));
  }
  return Status::Ok();
}

Status LoadTokens(PgConnection& conn, AdministrationState& into) {
  StatusOr<PgResult> r = conn.Query(
      "SELECT tenant_id, name, role, employee_id, sha256_hex, created_at_ms, created_by FROM api_tokens"
      " WHERE revoked_at_ms IS NULL ORDER BY id");
  if (!r.ok()) return r.status();
  for (int row = 0; row < r->rows(); ++row) {
    StoredToken t;
    t.tenant_id = r->Text(row, 0);
    t.name = r->Text(row, 1);
    const std::optional<Role> role = config::ParseTokenRole(r->Text(row, 2));
    if (!role) return Status::DataLoss(conn.Describe() + ": api token '" + t.name + "' has an unknown role");
    t.role = *role;
    t.employee_id = r->Text(row, 3);
    std::optional<std::string> digest = HexDecode(r->Text(row, 4));
    if (!digest || digest->size() != 32) {
      return Status::DataLoss(conn.Describe() + ": api token '" + t.name + "' has a malformed digest");
    }
    t.sha256 = std::move(*digest);
    t.created_at_ms = r->Int64(row, 5);
    t.created_by = r->Text(row, 6);
    into.tokens.push_back(std::move(t));
  }
  return Status::Ok();
}

}  // namespace

Status PgAdministrationStore::SaveCapAsync(CapSetting setting, Done done) {
  PgWriter& w = writers_.ForTenant(setting.tenant_id);
  return w.Submit(std::make_unique<CapSettingRecord>(std::move(setting), std::move(done)));
}

Status PgAdministrationStore::CreateTokenAsync(StoredToken token, Created done) {
  if (token.sha256.size() != 32) return Status::InvalidArgument("sha256: a token digest is 32 bytes");
  PgWriter& w = writers_.ForTenant(token.tenant_id);
  return w.Submit(std::make_unique<CreateTokenRecord>(std::move(token), std::move(done)));
}

Status PgAdministrationStore::RevokeTokenAsync(std::string tenant_id, std::string name, std::string revoked_by,
                                               Done done) {
  PgWriter& w = writers_.ForTenant(tenant_id);
  return w.Submit(std::make_unique<RevokeTokenRecord>(std::move(tenant_id), std::move(name), std::move(revoked_by),
                                                      std::move(done)));
}

Status PgAdministrationStore::SaveDefinitionAsync(StoredDefinition definition, Done done) {
  PgWriter& w = writers_.ForTenant(definition.tenant_id);
  return w.Submit(std::make_unique<DefinitionRecord>(std::move(definition), std::move(done)));
}

StatusOr<AdministrationState> PgAdministrationStore::Load() {
  StatusOr<PgReaderPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return lease.status();
  PgConnection& conn = **lease;
  // One snapshot for the three tables: the state of one moment.
  ROUTERD_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  AdministrationState state;
  Status s = LoadCaps(conn, state);
  if (s.ok()) s = LoadTokens(conn, state);
  if (s.ok()) s = LoadDefinitions(conn, state);
  if (!conn.Broken()) {
    Status end = conn.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
    if (s.ok()) s = std::move(end);
  }
  if (!s.ok()) return s;
  return state;
}

}  // namespace routerd::storage
