// SqliteConnection and Statement: a narrow RAII layer over the SQLite C API.
//
// A SqliteConnection owns one sqlite3 handle and a cache of its prepared
// statements, keyed by SQL text, so that each statement is compiled once per
// connection. Statement is a scoped borrow of a cached statement: it is reset
// and its bindings cleared when the Statement goes out of scope, so the next
// user finds it clean. Errors come back as Status, with SQLite's message.
//
// Thread safety: a connection (and every Statement borrowed from it) is used by
// one thread at a time. Distinct connections may be used from distinct threads
// (the library is compiled thread-safe; connections are opened NOMUTEX).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "routerd/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace routerd::storage {

class SqliteConnection;

// Maps an SQLite result code to a Status code: CORRUPT/NOTADB -> DataLoss,
// BUSY/LOCKED/FULL/IOERR/CANTOPEN -> Unavailable, CONSTRAINT -> AlreadyExists,
// anything else -> Internal.
StatusCode StatusCodeFromSqlite(int sqlite_code);

class Statement {
 public:
  Statement(SqliteConnection& conn, sqlite3_stmt* stmt) : conn_(&conn), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : conn_(other.conn_), stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text is copied (SQLITE_TRANSIENT).
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Statement& Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Statement& BindNull(int index);
  // Not copied: `value` must stay alive and unchanged until the statement is
  // stepped to completion. For the journal's hot path, where each copy is a
  // malloc and a free on the writer thread.
  Statement& BindView(int index, std::string_view value);
  // BindView, or NULL when the value is empty.
  Statement& BindViewOrNull(int index, std::string_view value);
  // A BLOB, not copied (as BindView).
  Statement& BindBlobView(int index, std::string_view bytes);
  // NULL when the value is empty: for optional keys such as a provider message id.
  Statement& BindTextOrNull(int index, std::string_view value);
  Statement& BindOptional(int index, const std::optional<std::string>& value);
  Statement& BindOptional(int index, const std::optional<std::int64_t>& value);

  // True when a row is available, false when the statement is done.
  StatusOr<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();

  // Columns are 0-based. A NULL reads as 0 or "".
  std::int64_t ColumnInt64(int index) const;
  std::string ColumnText(int index) const;
  bool ColumnIsNull(int index) const;
  std::optional<std::string> ColumnOptionalText(int index) const;
  // A BLOB's bytes, valid until the next Step() or the statement's end.
  std::string_view ColumnBlob(int index) const;

 private:
  SqliteConnection* conn_;
  sqlite3_stmt* stmt_;
};

class SqliteConnection {
 public:
  enum class Mode { kReadWriteCreate, kReadWrite, kReadOnly };

  // Opens `path`. Only opens the file: the caller sets pragmas.
  static StatusOr<std::unique_ptr<SqliteConnection>> Open(const std::string& path, Mode mode);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // A cached prepared statement, reset and unbound.
  StatusOr<Statement> Prepare(std::string_view sql);
  // Runs one or more statements without caching them (DDL, pragmas).
  Status Exec(std::string_view sql);
  // Runs a statement that returns one text value (e.g. "PRAGMA journal_mode=WAL").
  StatusOr<std::string> QueryText(std::string_view sql);

  // A Status for the connection's last error, prefixed with `context`.
  Status LastError(std::string_view context) const;
  // True while a transaction is open (BEGIN seen, no COMMIT/ROLLBACK yet).
  bool InTransaction() const;
  std::int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int Changes() const;

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  // Looked up by string_view: a cached statement costs no allocation. The
  // hash reads the length and both ends of the text only, since hashing all of
  // a few hundred characters on every insert of the journal's hot path costs
  // more than the equality check that follows (and settles any collision).
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const {
      constexpr std::size_t kEnd = 48;
      if (sql.size() <= 2 * kEnd) return std::hash<std::string_view>()(sql);
      std::size_t head = std::hash<std::string_view>()(sql.substr(0, kEnd));
      std::size_t tail = std::hash<std::string_view>()(sql.substr(sql.size() - kEnd));
      return (head * 31 + tail) ^ sql.size();
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

}  // namespace routerd::storage
