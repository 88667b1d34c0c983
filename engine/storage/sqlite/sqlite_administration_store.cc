#include "engine/storage/sqlite/sqlite_administration_store.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "engine/config/token_rules.h"
#include "routerd/crypto.h"

namespace routerd::storage {
namespace {

using Role = config::TokenConfig::Role;

class CapSettingRecord final : public JournalRecord {
 public:
  CapSettingRecord(CapSetting setting, AdministrationRepository::Done done)
      : setting_(std::move(setting)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "INSERT INTO cap_settings (tenant_id, scope, subject_id, cap, set_at_ms, set_by, personal)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (tenant_id, scope, subject_id) DO UPDATE SET"
        " cap = excluded.cap, set_at_ms = excluded.set_at_ms, set_by = excluded.set_by, personal = excluded.personal");
    if (!st.ok()) return st.status();
    st->Bind(1, setting_.tenant_id).Bind(2, CapScopeName(setting_.scope)).Bind(3, setting_.subject_id);
    if (setting_.cap) {
      st->Bind(4, static_cast<std::int64_t>(*setting_.cap));
    } else {
      st->BindNull(4);
    }
    return st->Bind(5, ctx.now_ms).Bind(6, setting_.set_by).Bind(7, std::int64_t{setting_.personal}).Run();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  CapSetting setting_;
  AdministrationRepository::Done done_;
};

class CreateTokenRecord final : public JournalRecord {
 public:
  CreateTokenRecord(StoredToken token, AdministrationRepository::Created done)
      : token_(std::move(token)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    {
      StatusOr<Statement> st = ctx.conn.Prepare(
          "SELECT COUNT(*) FROM api_tokens WHERE tenant_id = ?1 AND name = ?2 AND revoked_at_ms IS NULL");
      if (!st.ok()) return st.status();
      st->Bind(1, token_.tenant_id).Bind(2, token_.name);
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (st->ColumnInt64(0) > 0) {
        return Status::AlreadyExists("tenant " + token_.tenant_id + " already has a token named '" + token_.name +
                                     "'; revoke it first or choose another name");
      }
    }
    token_.created_at_ms = ctx.now_ms;
    StatusOr<Statement> st = ctx.conn.Prepare(
        "INSERT INTO api_tokens (tenant_id, name, role, employee_id, sha256_hex, created_at_ms, created_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st.ok()) return st.status();
    return st->Bind(1, token_.tenant_id)
        .Bind(2, token_.name)
        .Bind(3, config::TokenRoleName(token_.role))
        .Bind(4, token_.employee_id)
        .Bind(5, HexLower(token_.sha256))
        .Bind(6, token_.created_at_ms)
        .Bind(7, token_.created_by)
        .Run();
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

class RevokeTokenRecord final : public JournalRecord {
 public:
  RevokeTokenRecord(std::string tenant_id, std::string name, std::string revoked_by, AdministrationRepository::Done done)
      : tenant_id_(std::move(tenant_id)), name_(std::move(name)), revoked_by_(std::move(revoked_by)),
        done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    StatusOr<Statement> st = ctx.conn.Prepare(
        "UPDATE api_tokens SET revoked_at_ms = ?3, revoked_by = ?4"
        " WHERE tenant_id = ?1 AND name = ?2 AND revoked_at_ms IS NULL");
    if (!st.ok()) return st.status();
    ROUTERD_RETURN_IF_ERROR(st->Bind(1, tenant_id_).Bind(2, name_).Bind(3, ctx.now_ms).Bind(4, revoked_by_).Run());
    if (ctx.conn.Changes() == 0) {
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

class DefinitionRecord final : public JournalRecord {
 public:
  DefinitionRecord(StoredDefinition definition, AdministrationRepository::Done done)
      : definition_(std::move(definition)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    // A replace, not an update in place: the row gets a new rowid, so that it
    // loads after every earlier change, even one stamped in the same
    // millisecond.
    StatusOr<Statement> st = ctx.conn.Prepare(
        "INSERT OR REPLACE INTO definitions (tenant_id, kind, object_id, definition, set_at_ms, set_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st.ok()) return st.status();
    st->Bind(1, definition_.tenant_id).Bind(2, DefinitionKindName(definition_.kind)).Bind(3, definition_.object_id);
    if (definition_.definition) {
      st->Bind(4, *definition_.definition);
    } else {
      st->BindNull(4);
    }
    ROUTERD_RETURN_IF_ERROR(st->Bind(5, ctx.now_ms).Bind(6, definition_.set_by).Run());
    if (definition_.definition) return Status::Ok();
    // A removed agent's or OU's run-time cap ends with it, in the same
    // transaction: one created again later starts from its definition, after
    // a restart as before it.
    StatusOr<Statement> forget =
        ctx.conn.Prepare("DELETE FROM cap_settings WHERE tenant_id = ?1 AND scope = ?2 AND subject_id = ?3");
    if (!forget.ok()) return forget.status();
    return forget->Bind(1, definition_.tenant_id)
        .Bind(2, DefinitionKindName(definition_.kind))
        .Bind(3, definition_.object_id)
        .Run();
  }

  void Complete(const Status& status) override {
    if (done_) done_(status);
  }

 private:
  StoredDefinition definition_;
  AdministrationRepository::Done done_;
};

Status LoadDefinitions(const std::string& path, SqliteConnection& conn, AdministrationState& into) {
  StatusOr<Statement> st = conn.Prepare(
      "SELECT tenant_id, kind, object_id, definition, set_at_ms, set_by FROM definitions ORDER BY set_at_ms, rowid");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredDefinition d;
    d.tenant_id = st->ColumnText(0);
    const std::string kind = st->ColumnText(1);
    d.object_id = st->ColumnText(2);
    // Skipping the row would apply the file's object where the administrator
    // defined another: refuse instead.
    const std::optional<DefinitionKind> known = DefinitionKindFromName(kind);
    if (!known) {
      return Status::DataLoss(path + ": the definition of " + d.tenant_id + "/" + kind + "/" + d.object_id +
                              " has an unknown kind '" + kind + "'");
    }
    d.kind = *known;
    if (!st->ColumnIsNull(3)) d.definition = st->ColumnText(3);
    d.set_at_ms = st->ColumnInt64(4);
    d.set_by = st->ColumnText(5);
    into.definitions.push_back(std::move(d));
  }
  return Status::Ok();
}

Status LoadPartition(Database& db, AdministrationState& into) {
  StatusOr<ReaderPool::Lease> lease = db.readers().Acquire();
  if (!lease.ok()) return lease.status();
  SqliteConnection& conn = (*lease)->conn();
  ReadConnection::Snapshot snapshot(**lease);
  ROUTERD_RETURN_IF_ERROR(snapshot.status());
  {
    StatusOr<Statement> st = conn.Prepare(
        "SELECT tenant_id, scope, subject_id, cap, set_at_ms, set_by, personal FROM cap_settings ORDER BY set_at_ms");
    if (!st.ok()) return st.status();
    for (;;) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      CapSetting s;
      s.tenant_id = st->ColumnText(0);
      const std::optional<CapScope> scope = ParseCapScope(st->ColumnText(1));
      if (!scope) return Status::DataLoss(db.path() + ": cap_settings has an unknown scope");
      s.scope = *scope;
      s.subject_id = st->ColumnText(2);
      if (!st->ColumnIsNull(3)) s.cap = static_cast<int>(st->ColumnInt64(3));
      s.set_at_ms = st->ColumnInt64(4);
      s.set_by = st->ColumnText(5);
      s.personal = st->ColumnInt64(6) != 0;
      into.caps.push_back(std::move(s));
    }
  }
  StatusOr<Statement> st = conn.Prepare(
      "SELECT tenant_id, name, role, employee_id, sha256_hex, created_at_ms, created_by FROM api_tokens"
      " WHERE revoked_at_ms IS NULL ORDER BY id");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    StoredToken t;
    t.tenant_id = st->ColumnText(0);
    t.name = st->ColumnText(1);
    const std::optional<Role> role = config::ParseTokenRole(st->ColumnText(2));
    if (!role) return Status::DataLoss(db.path() + ": api token '" + t.name + "' has an unknown role");
    t.role = *role;
    t.employee_id = st->ColumnText(3);
    std::optional<std::string> digest = HexDecode(st->ColumnText(4));
    if (!digest || digest->size() != 32) {
      return Status::DataLoss(db.path() + ": api token '" + t.name + "' has a malformed digest");
    }
    t.sha256 = std::move(*digest);
    t.created_at_ms = st->ColumnInt64(5);
    t.created_by = st->ColumnText(6);
    into.tokens.push_back(std::move(t));
  }
  return LoadDefinitions(db.path(), conn, into);
}

}  // namespace

Status SqliteAdministrationStore::SaveCapAsync(CapSetting setting, Done done) {
  Partition& p = partitions_.ForTenant(setting.tenant_id);
  return p.writer->Submit(std::make_unique<CapSettingRecord>(std::move(setting), std::move(done)));
}

Status SqliteAdministrationStore::CreateTokenAsync(StoredToken token, Created done) {
  if (token.sha256.size() != 32) return Status::InvalidArgument("sha256: a token digest is 32 bytes");
  Partition& p = partitions_.ForTenant(token.tenant_id);
  return p.writer->Submit(std::make_unique<CreateTokenRecord>(std::move(token), std::move(done)));
}

Status SqliteAdministrationStore::RevokeTokenAsync(std::string tenant_id, std::string name, std::string revoked_by,
                                                   Done done) {
  Partition& p = partitions_.ForTenant(tenant_id);
  return p.writer->Submit(
      std::make_unique<RevokeTokenRecord>(std::move(tenant_id), std::move(name), std::move(revoked_by), std::move(done)));
}

Status SqliteAdministrationStore::SaveDefinitionAsync(StoredDefinition definition, Done done) {
  Partition& p = partitions_.ForTenant(definition.tenant_id);
  return p.writer->Submit(std::make_unique<DefinitionRecord>(std::move(definition), std::move(done)));
}

StatusOr<AdministrationState> SqliteAdministrationStore::Load() {
  AdministrationState state;
  for (std::size_t i = 0; i < partitions_.size(); ++i) {
    ROUTERD_RETURN_IF_ERROR(LoadPartition(*partitions_.at(i).db, state));
  }
  // A tenant's records are in one partition, in order; across partitions,
  // oldest first.
  std::stable_sort(state.definitions.begin(), state.definitions.end(),
                   [](const StoredDefinition& a, const StoredDefinition& b) { return a.set_at_ms < b.set_at_ms; });
  return state;
}

}  // namespace routerd::storage
