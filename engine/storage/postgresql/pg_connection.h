// PgConnection: one libpq connection, used by one thread at a time, with the
// session settings every routerd connection carries, and the mapping of
// PostgreSQL's errors onto routerd's status codes.
//
// Every connection sets statement_timeout, lock_timeout and
// idle_in_transaction_session_timeout, so that a stuck server, a lock held by
// someone else or a thread that died mid-transaction cannot hold a writer (or
// a row) forever, and TCP keepalives, so that a server that vanished without a
// FIN is noticed. Parameters travel as text (bytea in binary), results come
// back as text: the rows routerd reads are small and text keeps one code path.
//
// Errors: a lost connection, a server shutting down or starting, a timeout, a
// serialization failure or deadlock, and exhausted resources (disk full) are
// Unavailable: "not done, try again". A unique violation is AlreadyExists.
// Anything else (a bug in routerd's SQL) is Internal. Messages carry the
// server's text and SQLSTATE.
//
// Thread safety: thread-compatible (one thread at a time).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/status.h"

struct pg_conn;
struct pg_result;

namespace routerd::storage {

struct PgSessionSettings {
  // Default: 30 s. No statement of routerd's runs longer.
  int statement_timeout_ms = 30'000;
  // Default: 5 s. A lock wait this long fails the statement instead.
  int lock_timeout_ms = 5'000;
  // Default: 60 s. The server ends a session idle inside a transaction.
  int idle_in_transaction_timeout_ms = 60'000;
  // Default: 10 s to establish a connection.
  int connect_timeout_s = 10;
  // Names routerd's sessions in pg_stat_activity.
  std::string application_name = "routerd";
};

// Bound parameters of one statement. Strings are copied: a parameter list
// may outlive the values it was built from.
class PgParams {
 public:
  PgParams& Add(std::string_view text);
  PgParams& Add(std::int64_t value);
  PgParams& AddNull();
  PgParams& AddOptional(const std::optional<std::string>& text);
  // Empty text is stored as NULL (optional columns kept as empty strings).
  PgParams& AddOrNull(std::string_view text);
  // Binary bytes (bytea).
  PgParams& AddBytes(std::string_view bytes);
  std::size_t size() const { return values_.size(); }
  void Clear();

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> formats_;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result);
  PgResult(PgResult&& other) noexcept;
  PgResult& operator=(PgResult&& other) noexcept;
  ~PgResult();

  int rows() const;
  bool IsNull(int row, int column) const;
  std::string_view Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::int64_t Int64(int row, int column) const;
  // A bytea column, decoded from its text form.
  std::string Bytes(int row, int column) const;
  // Rows an INSERT, UPDATE or DELETE touched.
  std::uint64_t affected() const;

 private:
  pg_result* result_ = nullptr;
};

// One NOTIFY received on a channel this connection LISTENs on.
struct PgNotification {
  std::string channel;
  std::string payload;
};

class PgConnection {
 public:
  // `conninfo`: a libpq URL or key=value string (multi-host URLs and
  // target_session_attrs work as libpq documents). Unavailable when the
  // server cannot be reached; InvalidArgument when the string is malformed.
  static StatusOr<std::unique_ptr<PgConnection>> Connect(const std::string& conninfo,
                                                         const PgSessionSettings& settings = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // One or more statements without parameters.
  Status Exec(std::string_view sql);
  StatusOr<PgResult> Query(const std::string& sql, const PgParams& params = {});

  // LISTEN on `channel` (quoted: any name). Notifications then queue on this
  // connection, also while it runs other statements.
  Status Listen(std::string_view channel);
  // The notifications queued, or, when none, the first ones to arrive within
  // `timeout` (empty at the timeout). Unavailable when the connection broke.
  // REQUIRES: no statement in progress.
  StatusOr<std::vector<PgNotification>> WaitForNotifications(std::chrono::milliseconds timeout);

  // The connection is gone (server restarted, network): reconnect.
  bool Broken() const;
  // A transaction is open (or aborted and waiting for ROLLBACK).
  bool InTransaction() const;
  // "host:port/database" of the server actually connected.
  std::string Describe() const;

 private:
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Status ErrorOf(pg_result* result, std::string_view what) const;
  // Moves what libpq has queued into `out`.
  void TakeNotifications(std::vector<PgNotification>& out);

  pg_conn* conn_;
};

// Builds the text of a PostgreSQL array literal, for a parameter such as
// `$1::text[]` or `$2::bigint[]`: many rows then travel as a few parameters
// of one short statement (INSERT ... SELECT FROM unnest(...)), which the
// server parses and plans once instead of once per row.
class PgArrayText {
 public:
  PgArrayText& Add(std::string_view text);
  PgArrayText& Add(std::int64_t value);
  PgArrayText& AddNull();
  PgArrayText& AddOptional(const std::optional<std::int64_t>& value) { return value ? Add(*value) : AddNull(); }
  // Empty text as NULL.
  PgArrayText& AddOrNull(std::string_view text) { return text.empty() ? AddNull() : Add(text); }
  std::string Take();

 private:
  void Separator();
  std::string out_ = "{";
};

// The array literal of `values` (for `$1::text[]`).
std::string PgTextArray(const std::vector<std::string_view>& values);
std::string PgInt64Array(const std::vector<std::optional<std::int64_t>>& values);

// A conninfo safe to print: any password removed.
std::string RedactConnInfo(std::string_view conninfo);

}  // namespace routerd::storage
