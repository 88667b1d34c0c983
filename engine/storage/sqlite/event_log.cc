#include "engine/storage/sqlite/event_log.h"

#include <array>
#include <tuple>

#include "engine/storage/sqlite/row_codec.h"

namespace routerd::storage {
namespace {

constexpr char kEventLogVersion = 1;
constexpr int kOptionalFields = 7;

// The optional fields of `e` in their format order (event_log.h); const or
// not, as `e` is.
template <typename Event>
auto Optionals(Event& e) {
  std::array fields{&e.channel_id, &e.provider_message_id, &e.queue_id, &e.employee_id,
                    &e.channel_kind, &e.customer_id, &e.detail};
  static_assert(std::tuple_size_v<decltype(fields)> == kOptionalFields);
  return fields;
}

bool Logged(std::int64_t kind) {
  return kind >= static_cast<std::int64_t>(SessionEventKind::kOpened) &&
         kind <= static_cast<std::int64_t>(SessionEventKind::kKept);
}

std::optional<std::string_view> View(const std::string* s) {
  if (s == nullptr) return std::nullopt;
  return std::string_view(*s);
}

}  // namespace

void EventLogBuilder::Add(const SessionEventWrite& r) {
  LoggedEvent e;
  e.kind = r.kind;
  e.tenant_id = *r.tenant_id;
  e.session_id = r.session_id;
  if (r.contact != nullptr) {
    e.channel_id = r.contact->channel_id;
    e.provider_message_id = r.contact->provider_message_id;
  } else {
    e.channel_id = View(r.channel_id);
  }
  e.queue_id = View(r.queue_id);
  e.employee_id = View(r.employee_id);
  e.channel_kind = View(r.channel_kind);
  e.customer_id = View(r.customer_id);
  e.detail = View(r.detail);
  e.arrival_ms = r.arrival_ms;
  AddLogged(e);
}

void EventLogBuilder::AddLogged(const LoggedEvent& e) {
  if (bytes_.empty()) bytes_.push_back(kEventLogVersion);
  row_codec::PutVarint(bytes_, static_cast<std::uint64_t>(e.kind));
  row_codec::PutString(bytes_, e.tenant_id);
  row_codec::PutVarint(bytes_, e.session_id);
  const auto fields = Optionals(e);
  unsigned char present = 0;
  for (int i = 0; i < kOptionalFields; ++i) {
    if (fields[i]->has_value()) present |= static_cast<unsigned char>(1u << i);
  }
  bytes_.push_back(static_cast<char>(present));
  for (const auto* f : fields) {
    if (f->has_value()) row_codec::PutString(bytes_, **f);
  }
  if (e.kind == SessionEventKind::kOpened) row_codec::PutInt(bytes_, e.arrival_ms);
  ++events_;
}

void EventLogBuilder::truncate(const Mark& mark) {
  if (mark.bytes < bytes_.size()) bytes_.resize(mark.bytes);
  events_ = mark.events;
}

void EventLogBuilder::clear() {
  bytes_.clear();
  events_ = 0;
}

Status ForEachLoggedEvent(std::string_view bytes, const std::function<Status(const LoggedEvent&)>& fn) {
  const Status malformed = Status::DataLoss("a stored event_log row is malformed");
  row_codec::RowReader in(bytes);
  char version = 0;
  if (!in.Byte(version) || version != kEventLogVersion) {
    return Status::DataLoss("a stored event_log row has an unknown format (written by a newer routerd?)");
  }
  while (!in.done()) {
    LoggedEvent e;
    std::uint64_t kind = 0;
    char present = 0;
    if (!in.Varint(kind) || !Logged(static_cast<std::int64_t>(kind)) || !in.String(e.tenant_id) ||
        !in.Varint(e.session_id) || !in.Byte(present)) {
      return malformed;
    }
    e.kind = static_cast<SessionEventKind>(kind);
    const auto bits = static_cast<unsigned char>(present);
    if (bits >> kOptionalFields != 0) return malformed;
    const auto fields = Optionals(e);
    for (int i = 0; i < kOptionalFields; ++i) {
      if ((bits & (1u << i)) == 0) continue;
      std::string_view v;
      if (!in.String(v)) return malformed;
      *fields[i] = v;
    }
    if (e.kind == SessionEventKind::kOpened && !in.Int(e.arrival_ms)) return malformed;
    ROUTERD_RETURN_IF_ERROR(fn(e));
  }
  return Status::Ok();
}

StoredSessionEvent ToStoredEvent(const LoggedEvent& e) {
  auto text = [](const std::optional<std::string_view>& v) { return std::string(v.value_or(std::string_view())); };
  StoredSessionEvent s;
  s.tenant_id = std::string(e.tenant_id);
  s.session_id = e.session_id;
  s.kind = e.kind;
  s.channel_id = text(e.channel_id);
  if (e.provider_message_id.has_value()) s.provider_message_id = std::string(*e.provider_message_id);
  s.queue_id = text(e.queue_id);
  s.employee_id = text(e.employee_id);
  s.channel_kind = text(e.channel_kind);
  s.customer_id = text(e.customer_id);
  s.arrival_ms = e.arrival_ms;
  return s;
}

Status AppendEventLogRow(SqliteConnection& conn, std::int64_t seq, std::int64_t at_ms, const EventLogBuilder& row) {
  StatusOr<Statement> st = conn.Prepare("INSERT INTO event_log (seq, at_ms, events) VALUES (?1, ?2, ?3)");
  if (!st.ok()) return st.status();
  return st->Bind(1, seq).Bind(2, at_ms).BindBlobView(3, row.bytes()).Run();
}

Status ForEachStoredEvent(SqliteConnection& conn,
                          const std::function<Status(std::int64_t at_ms, const LoggedEvent&)>& fn) {
  StatusOr<Statement> st = conn.Prepare("SELECT at_ms, events FROM event_log ORDER BY seq");
  if (!st.ok()) return st.status();
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    const std::int64_t at_ms = st->ColumnInt64(0);
    ROUTERD_RETURN_IF_ERROR(ForEachLoggedEvent(st->ColumnBlob(1), [&](const LoggedEvent& e) { return fn(at_ms, e); }));
  }
}

}  // namespace routerd::storage
