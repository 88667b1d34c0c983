#include "tests/durability/postgres_database_probe.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "tests/support/postgres_environment.h"

namespace routerd::durability {
namespace {

// The fold of database_probe.h over the stored tables (qualified: inside the
// WITH, "contacts" means the folded relation). A tenant writes through one
// writer connection only, so a session's events are in seq order.
constexpr std::string_view kFold =
    "WITH contacts AS (SELECT c.seq, c.accepted_at_ms, c.tenant_id, c.channel_id, c.provider_message_id,"
    " c.customer_id, c.text,"
    " (SELECT e.session_id FROM public.session_events e WHERE e.kind IN (1, 2) AND e.channel_id = c.channel_id"
    "  AND e.provider_message_id IS NOT NULL AND e.provider_message_id = c.provider_message_id"
    "  ORDER BY e.seq DESC LIMIT 1) AS session_id,"
    " (SELECT CASE WHEN e.detail ~ '^[0-9]+$' THEN e.detail::bigint END FROM public.session_events e"
    "  WHERE e.kind = 6 AND e.channel_id = c.channel_id AND e.provider_message_id IS NOT NULL"
    "  AND e.provider_message_id = c.provider_message_id ORDER BY e.seq LIMIT 1) AS leave_message_id"
    " FROM public.contacts c),"
    " sessions AS (SELECT o.tenant_id, o.session_id, o.channel_id, o.customer_id,"
    " COALESCE((SELECT r.queue_id FROM public.session_events r WHERE r.tenant_id = o.tenant_id"
    "  AND r.session_id = o.session_id AND r.kind = 4 AND r.queue_id <> '' ORDER BY r.seq DESC LIMIT 1),"
    "  o.queue_id) AS queue_id,"
    " o.arrival_ms,"
    " (SELECT CASE WHEN a.kind = 3 THEN a.employee_id END FROM public.session_events a"
    "  WHERE a.tenant_id = o.tenant_id AND a.session_id = o.session_id AND a.kind IN (3, 4)"
    "  ORDER BY a.seq DESC LIMIT 1) AS employee_id,"
    " (SELECT x.seq FROM public.session_events x WHERE x.tenant_id = o.tenant_id AND x.session_id = o.session_id"
    "  AND x.kind = 5 ORDER BY x.seq LIMIT 1) AS ended_at_ms,"
    " (SELECT x.detail FROM public.session_events x WHERE x.tenant_id = o.tenant_id"
    "  AND x.session_id = o.session_id AND x.kind = 5 ORDER BY x.seq LIMIT 1) AS end_reason"
    " FROM public.session_events o WHERE o.kind = 1) ";

// The database of a URL made by PostgresServer::ConnInfo
// ("postgresql:///<percent-encoded name>?host=..."); empty if it is not one.
std::string DatabaseOf(std::string_view url) {
  constexpr std::string_view kScheme = "postgresql:///";
  if (url.substr(0, kScheme.size()) != kScheme) return {};
  url.remove_prefix(kScheme.size());
  url = url.substr(0, url.find('?'));
  std::string name;
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] != '%') {
      name += url[i];
      continue;
    }
    int byte = 0;
    if (i + 2 >= url.size() ||
        std::from_chars(url.data() + i + 1, url.data() + i + 3, byte, 16).ptr != url.data() + i + 3) {
      return {};
    }
    name += static_cast<char>(byte);
    i += 2;
  }
  return name;
}

// Every value travels hex-encoded ('~' for NULL), so that no text can be
// mistaken for psql's separators.
std::string Encoded(std::string_view column) {
  return "COALESCE(encode(convert_to((" + std::string(column) + ")::text, 'UTF8'), 'hex'), '~')";
}

StatusOr<std::optional<std::string>> Decoded(std::string_view field) {
  if (field == "~") return std::optional<std::string>();
  if (field.size() % 2 != 0) return Status::Internal("odd hex field from psql: " + std::string(field));
  std::string out;
  for (std::size_t i = 0; i < field.size(); i += 2) {
    int byte = 0;
    if (std::from_chars(field.data() + i, field.data() + i + 2, byte, 16).ptr != field.data() + i + 2) {
      return Status::Internal("not hex from psql: " + std::string(field));
    }
    out += static_cast<char>(byte);
  }
  return std::optional<std::string>(std::move(out));
}

StatusOr<std::int64_t> Integer(const std::optional<std::string>& value, std::string_view what) {
  std::int64_t n = 0;
  if (!value || value->empty() ||
      std::from_chars(value->data(), value->data() + value->size(), n).ptr != value->data() + value->size()) {
    return Status::Internal(std::string(what) + " is not an integer: " + value.value_or("NULL"));
  }
  return n;
}

}  // namespace

StatusOr<std::unique_ptr<DatabaseProbe>> PostgresDatabaseProbe::Open(const std::string& url) {
  StatusOr<testing::PostgresServer*> server = testing::SharedPostgres();
  if (!server.ok()) return server.status();
  const std::string database = DatabaseOf(url);
  if (database.empty() || (*server)->ConnInfo(database) != url) {
    return Status::InvalidArgument("not a database of the shared test server: " + url);
  }
  StatusOr<std::string> alive = (*server)->Psql(database, "SELECT 1");
  if (!alive.ok()) return alive.status();
  return std::unique_ptr<DatabaseProbe>(new PostgresDatabaseProbe(*server, database));
}

StatusOr<std::vector<PostgresDatabaseProbe::Row>> PostgresDatabaseProbe::Rows(std::string_view select,
                                                                                int columns) {
  StatusOr<std::string> out = server_->Psql(database_, std::string(kFold) + std::string(select));
  if (!out.ok()) return out.status();
  std::vector<Row> rows;
  std::string_view rest = *out;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    Row row;
    for (;;) {
      const std::size_t bar = line.find('|');
      StatusOr<std::optional<std::string>> value = Decoded(line.substr(0, bar));
      if (!value.ok()) return value.status();
      row.push_back(std::move(value).value());
      if (bar == std::string_view::npos) break;
      line.remove_prefix(bar + 1);
    }
    if (static_cast<int>(row.size()) != columns) {
      return Status::Internal("psql returned " + std::to_string(row.size()) + " columns, expected " +
                              std::to_string(columns) + ": " + *out);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

StatusOr<std::int64_t> PostgresDatabaseProbe::Count(std::string_view sql) {
  // An integer has no separator in it: the first row's first column is the
  // first line up to the first '|'.
  StatusOr<std::string> out = server_->Psql(database_, std::string(kFold) + std::string(sql));
  if (!out.ok()) return out.status();
  if (out->empty()) return Status::NotFound("no row from " + std::string(sql));
  const std::string first = out->substr(0, std::min(out->find('\n'), out->find('|')));
  return Integer(first, sql);
}

StatusOr<std::vector<ContactRow>> PostgresDatabaseProbe::Contacts() {
  const std::string select = "SELECT " + Encoded("channel_id") + ", " + Encoded("provider_message_id") + ", " +
                             Encoded("customer_id") + ", " + Encoded("text") + ", " + Encoded("session_id") + ", " +
                             Encoded("leave_message_id") + ", " + Encoded("tenant_id") +
                             " FROM contacts ORDER BY accepted_at_ms, seq";
  StatusOr<std::vector<Row>> rows = Rows(select, 7);
  if (!rows.ok()) return rows.status();
  std::vector<ContactRow> contacts;
  for (Row& r : *rows) {
    ContactRow c;
    c.channel_id = r[0].value_or("");
    c.provider_message_id = r[1].value_or("");
    c.customer_id = r[2].value_or("");
    c.text = r[3].value_or("");
    if (r[4]) {
      StatusOr<std::int64_t> id = Integer(r[4], "contacts.session_id");
      if (!id.ok()) return id.status();
      c.session_id = *id;
    }
    if (r[5]) {
      StatusOr<std::int64_t> id = Integer(r[5], "contacts.leave_message_id");
      if (!id.ok()) return id.status();
      c.leave_message_id = *id;
    }
    c.tenant_id = r[6].value_or("");
    contacts.push_back(std::move(c));
  }
  return contacts;
}

StatusOr<std::vector<SessionRow>> PostgresDatabaseProbe::Sessions() {
  const std::string select = "SELECT " + Encoded("session_id") + ", " + Encoded("channel_id") + ", " +
                             Encoded("customer_id") + ", " + Encoded("queue_id") + ", " + Encoded("arrival_ms") +
                             ", " + Encoded("employee_id") + ", " + Encoded("ended_at_ms") + ", " +
                             Encoded("tenant_id") + " FROM sessions ORDER BY arrival_ms, session_id";
  StatusOr<std::vector<Row>> rows = Rows(select, 8);
  if (!rows.ok()) return rows.status();
  std::vector<SessionRow> sessions;
  for (Row& r : *rows) {
    SessionRow s;
    StatusOr<std::int64_t> id = Integer(r[0], "sessions.session_id");
    if (!id.ok()) return id.status();
    s.session_id = static_cast<std::uint64_t>(*id);
    s.channel_id = r[1].value_or("");
    s.customer_id = r[2].value_or("");
    s.queue_id = r[3].value_or("");
    StatusOr<std::int64_t> arrival = Integer(r[4], "sessions.arrival_ms");
    if (!arrival.ok()) return arrival.status();
    s.arrival_ms = *arrival;
    s.employee_id = std::move(r[5]);
    s.ended = r[6].has_value();
    s.tenant_id = r[7].value_or("");
    sessions.push_back(std::move(s));
  }
  return sessions;
}

}  // namespace routerd::durability
