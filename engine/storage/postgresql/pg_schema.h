// The PostgreSQL schema: the versioned layout of routerd's tables in one
// database, as an ordered list of migrations, and the step that brings a
// database up to date at open.
//
// Migration N turns a version N-1 database into version N; they never change
// once released. MigrateSchema applies the missing ones in one transaction
// that holds a transaction-level advisory lock, so that instances starting
// together migrate once (a transaction lock, unlike a session lock, also works
// behind a transaction-pooling proxy). A database whose version is newer than
// this build is refused and left as it is.
//
//   1  contacts (the durable dedup key), session_events (append-only),
//      leave_messages with their parts, attachments, history and voice files,
//      cap_settings and api_tokens.
//   2  cluster mode: cluster_instances, tenant_leases, contact_inbox; contacts
//      indexed by tenant.
//   3  session_events_traces: a partial index on the kept route traces
//      (kind 7) for LoadSessionTrace; rows are unchanged.
//   4  agent_definitions: agents created, changed or removed through the
//      administration API.
//   5  definitions: every kind of configured object (agents, OUs) created,
//      changed or removed through the administration API, keyed by kind;
//      the rows of agent_definitions move into it, which is dropped.
//
// Thread safety: stateless.
#pragma once

#include "engine/storage/postgresql/pg_connection.h"
#include "routerd/status.h"

namespace routerd::storage {

inline constexpr int kPgSchemaVersion = 5;

// Creates the tables when the database is empty, applies the missing
// migrations, and returns the version found before (0: empty database).
// FailedPrecondition when the database is newer than this build.
StatusOr<int> MigrateSchema(PgConnection& conn);

}  // namespace routerd::storage
