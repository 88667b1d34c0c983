#include "engine/storage/postgresql/pg_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace routerd::storage {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Errors after which the same request may succeed on a later attempt.
bool Retryable(std::string_view sqlstate) {
  return StartsWith(sqlstate, "08")       // connection exception
         || StartsWith(sqlstate, "57P")   // admin shutdown, crash shutdown, cannot connect now
         || StartsWith(sqlstate, "53")    // insufficient resources: disk full, too many connections
         || sqlstate == "57014"           // query canceled: statement_timeout
         || sqlstate == "55P03"           // lock not available: lock_timeout
         || sqlstate == "40001"           // serialization failure
         || sqlstate == "40P01"           // deadlock detected
         || sqlstate == "25P03"           // idle in transaction timeout
         || sqlstate == "25006";          // read-only transaction: a standby after failover
}

std::string TrimmedMessage(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PgParams& PgParams::Add(std::string_view text) {
  values_.emplace_back(text);
  null_.push_back(false);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Add(std::int64_t value) { return Add(std::string_view(std::to_string(value))); }

PgParams& PgParams::AddNull() {
  values_.emplace_back();
  null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::AddOptional(const std::optional<std::string>& text) {
  return text ? Add(std::string_view(*text)) : AddNull();
}

PgParams& PgParams::AddOrNull(std::string_view text) { return text.empty() ? AddNull() : Add(text); }

PgParams& PgParams::AddBytes(std::string_view bytes) {
  values_.emplace_back(bytes);
  null_.push_back(false);
  formats_.push_back(1);
  return *this;
}

void PgParams::Clear() {
  values_.clear();
  null_.clear();
  formats_.clear();
}

PgResult::PgResult(pg_result* result) : result_(result) {}
PgResult::PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}
PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

int PgResult::rows() const { return result_ != nullptr ? PQntuples(result_) : 0; }
bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
std::string_view PgResult::Text(int row, int column) const {
  return std::string_view(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}
std::optional<std::string> PgResult::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Text(row, column));
}
std::int64_t PgResult::Int64(int row, int column) const {
  std::string_view t = Text(row, column);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}
std::string PgResult::Bytes(int row, int column) const {
  std::size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(result_, row, column)), &n);
  if (raw == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}
std::uint64_t PgResult::affected() const {
  const char* n = result_ != nullptr ? PQcmdTuples(result_) : "";
  std::uint64_t v = 0;
  std::from_chars(n, n + std::strlen(n), v);
  return v;
}

StatusOr<std::unique_ptr<PgConnection>> PgConnection::Connect(const std::string& conninfo,
                                                              const PgSessionSettings& settings) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string why = TrimmedMessage(parse_error);
    PQfreemem(parse_error);
    return Status::InvalidArgument("PostgreSQL connection string is malformed: " + why);
  }
  PQconninfoFree(parsed);

  // Defaults first: the connection string's own values override them.
  const std::string connect_timeout = std::to_string(settings.connect_timeout_s);
  // Keepalives notice an idle connection whose server vanished; the user
  // timeout, one that vanished while a batch was being sent (without it a
  // write could wait for TCP's own retransmission limit, many minutes).
  const char* keywords[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                            "keepalives_count", "tcp_user_timeout", "application_name", "client_encoding",
                            "dbname", nullptr};
  const char* values[] = {connect_timeout.c_str(), "1", "30", "10", "3", "15000", settings.application_name.c_str(),
                          "UTF8", conninfo.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status::ResourceExhausted("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = TrimmedMessage(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::Unavailable("cannot connect to PostgreSQL (" + RedactConnInfo(conninfo) + "): " + why);
  }
  // The server's notices and FATAL goodbyes (a shutdown) would go to stderr;
  // routerd reports what matters through the statements' statuses instead.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<PgConnection> c(new PgConnection(conn));
  // Notices (e.g. "already exists, skipping") are not routerd's to print.
  ROUTERD_RETURN_IF_ERROR(c->Exec("SET client_min_messages = warning; SET statement_timeout = " +
                                  std::to_string(settings.statement_timeout_ms) +
                                  "; SET lock_timeout = " + std::to_string(settings.lock_timeout_ms) +
                                  "; SET idle_in_transaction_session_timeout = " +
                                  std::to_string(settings.idle_in_transaction_timeout_ms)));
  return c;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::ErrorOf(pg_result* result, std::string_view what) const {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  const char* primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = std::string(what) + ": " + TrimmedMessage(primary != nullptr ? primary : PQerrorMessage(conn_));
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  if (PQstatus(conn_) != CONNECTION_OK || sqlstate.empty() || Retryable(sqlstate)) {
    return Status::Unavailable(std::move(message));
  }
  if (sqlstate == "23505") return Status::AlreadyExists(std::move(message));
  return Status::Internal(std::move(message));
}

Status PgConnection::Exec(std::string_view sql) {
  const std::string text(sql);
  pg_result* raw = PQexec(conn_, text.c_str());
  ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  Status s = (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) ? Status::Ok()
                                                                       : ErrorOf(raw, "PostgreSQL statement failed");
  if (raw != nullptr) PQclear(raw);
  return s;
}

StatusOr<PgResult> PgConnection::Query(const std::string& sql, const PgParams& params) {
  const int n = static_cast<int>(params.values_.size());
  std::vector<const char*> values(params.values_.size());
  std::vector<int> lengths(params.values_.size());
  for (int i = 0; i < n; ++i) {
    values[i] = params.null_[i] ? nullptr : params.values_[i].data();
    lengths[i] = static_cast<int>(params.values_[i].size());
  }
  pg_result* raw = PQexecParams(conn_, sql.c_str(), n, nullptr, values.data(), lengths.data(),
                                params.formats_.data(), /*resultFormat=*/0);
  ExecStatusType status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status s = ErrorOf(raw, "PostgreSQL statement failed");
    if (raw != nullptr) PQclear(raw);
    return s;
  }
  return PgResult(raw);
}

Status PgConnection::Listen(std::string_view channel) {
  char* quoted = PQescapeIdentifier(conn_, channel.data(), channel.size());
  if (quoted == nullptr) return Status::InvalidArgument("LISTEN: bad channel name: " + TrimmedMessage(PQerrorMessage(conn_)));
  const std::string sql = std::string("LISTEN ") + quoted;
  PQfreemem(quoted);
  return Exec(sql);
}

void PgConnection::TakeNotifications(std::vector<PgNotification>& out) {
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back(PgNotification{n->relname != nullptr ? n->relname : "", n->extra != nullptr ? n->extra : ""});
    PQfreemem(n);
  }
}

StatusOr<std::vector<PgNotification>> PgConnection::WaitForNotifications(std::chrono::milliseconds timeout) {
  using SteadyClock = std::chrono::steady_clock;
  const auto deadline = SteadyClock::now() + timeout;
  std::vector<PgNotification> out;
  // Those that arrived during earlier statements come first, without a wait.
  TakeNotifications(out);
  while (out.empty()) {
    if (Broken()) return Status::Unavailable("PostgreSQL connection lost: " + TrimmedMessage(PQerrorMessage(conn_)));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) break;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (p.fd < 0) return Status::Unavailable("PostgreSQL connection has no socket");
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) return Status::Unavailable(std::string("poll: ") + std::strerror(errno));
    if (ready <= 0) continue;  // interrupted or timed out: the loop checks the deadline
    // Reads what arrived; a closed or reset connection fails here.
    if (PQconsumeInput(conn_) == 0) {
      return Status::Unavailable("PostgreSQL connection lost: " + TrimmedMessage(PQerrorMessage(conn_)));
    }
    TakeNotifications(out);
  }
  return out;
}

bool PgConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::InTransaction() const {
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

std::string PgConnection::Describe() const {
  const char* host = PQhost(conn_);
  const char* port = PQport(conn_);
  const char* db = PQdb(conn_);
  return std::string(host != nullptr ? host : "") + ":" + (port != nullptr ? port : "") + "/" + (db != nullptr ? db : "");
}

void PgArrayText::Separator() {
  if (out_.size() > 1) out_.push_back(',');
}

PgArrayText& PgArrayText::Add(std::string_view text) {
  Separator();
  out_.push_back('"');
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out_.push_back('\\');
    out_.push_back(ch);
  }
  out_.push_back('"');
  return *this;
}

PgArrayText& PgArrayText::Add(std::int64_t value) {
  Separator();
  out_ += std::to_string(value);
  return *this;
}

PgArrayText& PgArrayText::AddNull() {
  Separator();
  out_ += "NULL";
  return *this;
}

std::string PgArrayText::Take() {
  out_.push_back('}');
  std::string done = std::move(out_);
  out_ = "{";
  return done;
}

std::string PgTextArray(const std::vector<std::string_view>& values) {
  PgArrayText a;
  for (std::string_view v : values) a.Add(v);
  return a.Take();
}

std::string PgInt64Array(const std::vector<std::optional<std::int64_t>>& values) {
  PgArrayText a;
  for (const std::optional<std::int64_t>& v : values) a.AddOptional(v);
  return a.Take();
}

std::string RedactConnInfo(std::string_view conninfo) {
  const std::string text(conninfo);
  PQconninfoOption* options = PQconninfoParse(text.c_str(), nullptr);
  if (options == nullptr) return "(malformed connection string)";
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::strcmp(o->keyword, "password") == 0) continue;
    if (!out.empty()) out.push_back(' ');
    out += o->keyword;
    out += "=";
    out += o->val;
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace routerd::storage
