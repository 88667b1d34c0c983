#include "engine/storage/journal_model.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>
#include <tuple>

namespace routerd::storage {
namespace {

void Field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out.push_back(':');
  out.append(value);
}

bool NextField(std::string_view& in, std::string_view& value) {
  std::size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(in.data(), in.data() + colon, n);
  if (ec != std::errc() || ptr != in.data() + colon || n > in.size() - colon - 1) return false;
  value = in.substr(colon + 1, n);
  in.remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

std::string EncodeAttachments(const std::vector<AttachmentRef>& attachments) {
  std::string out;
  AppendAttachments(out, attachments);
  return out;
}

void AppendAttachments(std::string& out, const std::vector<AttachmentRef>& attachments) {
  for (const AttachmentRef& a : attachments) {
    Field(out, a.type);
    Field(out, a.reference);
    Field(out, a.mime);
    Field(out, a.size_bytes ? std::to_string(*a.size_bytes) : std::string());
    Field(out, a.name);
  }
}

StatusOr<std::vector<AttachmentRef>> DecodeAttachments(std::string_view in) {
  std::vector<AttachmentRef> out;
  while (!in.empty()) {
    std::string_view f[5];
    for (auto& v : f) {
      if (!NextField(in, v)) return Status::DataLoss("stored contact attachments are malformed");
    }
    AttachmentRef a{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::nullopt, std::string(f[4])};
    if (!f[3].empty()) {
      std::uint64_t size = 0;
      auto [ptr, ec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), size);
      if (ec != std::errc() || ptr != f[3].data() + f[3].size()) {
        return Status::DataLoss("stored contact attachment size is malformed");
      }
      a.size_bytes = size;
    }
    out.push_back(std::move(a));
  }
  return out;
}


namespace {

Status ContactRows(const std::string& tenant_id, std::uint64_t session_id, std::span<const ContactPtr> contacts,
                   const std::function<Status(const SessionEventWrite&)>& fn) {
  for (const ContactPtr& c : contacts) {
    if (!c || c->provider_message_id.empty()) continue;  // unkeyed: cannot be named
    SessionEventWrite row;
    row.kind = SessionEventKind::kContact;
    row.tenant_id = &tenant_id;
    row.session_id = session_id;
    row.contact = c.get();
    ROUTERD_RETURN_IF_ERROR(fn(row));
  }
  return Status::Ok();
}

struct EventRows {
  const std::function<Status(const SessionEventWrite&)>& fn;

  Status operator()(const SessionOpened& e) const {
    SessionEventWrite row;
    row.kind = SessionEventKind::kOpened;
    row.tenant_id = &e.tenant_id;
    row.session_id = e.session_id;
    const ContactPtr* first = e.contacts.empty() ? nullptr : &e.contacts.front();
    if (first != nullptr && *first && !(*first)->provider_message_id.empty()) row.contact = first->get();
    row.channel_id = &e.channel_id;
    row.queue_id = &e.queue_id;
    row.channel_kind = &e.channel_kind;
    row.customer_id = &e.customer_id;
    row.arrival_ms = e.arrival_ms;
    ROUTERD_RETURN_IF_ERROR(fn(row));
    std::span<const ContactPtr> rest(e.contacts);
    return ContactRows(e.tenant_id, e.session_id, rest.empty() ? rest : rest.subspan(row.contact ? 1 : 0), fn);
  }

  Status operator()(const SessionAssigned& e) const {
    SessionEventWrite row;
    row.kind = SessionEventKind::kAssigned;
    row.tenant_id = &e.tenant_id;
    row.session_id = e.session_id;
    row.employee_id = &e.employee_id;
    return fn(row);
  }

  Status operator()(const SessionRequeued& e) const {
    SessionEventWrite row;
    row.kind = SessionEventKind::kRequeued;
    row.tenant_id = &e.tenant_id;
    row.session_id = e.session_id;
    row.queue_id = &e.queue_id;
    return fn(row);
  }

  Status operator()(const SessionContactsAdded& e) const {
    return ContactRows(e.tenant_id, e.session_id, e.contacts, fn);
  }

  Status operator()(const SessionEnded& e) const {
    SessionEventWrite row;
    row.kind = SessionEventKind::kEnded;
    row.tenant_id = &e.tenant_id;
    row.session_id = e.session_id;
    row.detail = &e.reason;
    return fn(row);
  }

  Status operator()(const SessionTraceKept& e) const {
    SessionEventWrite row;
    row.kind = SessionEventKind::kTrace;
    row.tenant_id = &e.tenant_id;
    row.session_id = e.session_id;
    row.detail = &e.trace;
    return fn(row);
  }
};

}  // namespace

Status ForEachEventRow(std::span<const SessionEvent> events, const std::function<Status(const SessionEventWrite&)>& row) {
  for (const SessionEvent& e : events) ROUTERD_RETURN_IF_ERROR(std::visit(EventRows{row}, e));
  return Status::Ok();
}

std::size_t SessionFold::KeyHash::operator()(const Key& k) const {
  return std::hash<std::string>()(k.tenant_id) * 31 + std::hash<std::uint64_t>()(k.session_id);
}

void SessionFold::Add(StoredSessionEvent&& row) {
  // Neither says whether the session is open: a session that becomes a leave
  // message gets its trace row from the router, its end from the leave store.
  if (row.kind == SessionEventKind::kKept || row.kind == SessionEventKind::kTrace) return;
  Key key{std::move(row.tenant_id), row.session_id};
  if (row.kind == SessionEventKind::kOpened) {
    std::uint64_t& max_id = max_session_id_[key.tenant_id];
    max_id = std::max(max_id, key.session_id);
    if (open_.count(key)) return;  // opened twice: the first opening stands
    OpenSession f;
    RecoveredSession& s = f.session;
    s.tenant_id = key.tenant_id;
    s.session_id = key.session_id;
    s.queue_id = std::move(row.queue_id);
    s.channel_kind = std::move(row.channel_kind);
    s.customer_id = std::move(row.customer_id);
    s.arrival_ms = row.arrival_ms;
    if (row.provider_message_id) f.keys.emplace_back(row.channel_id, std::move(*row.provider_message_id));
    s.channel_id = std::move(row.channel_id);
    open_.emplace(std::move(key), std::move(f));
    return;
  }
  auto it = open_.find(key);
  if (it == open_.end()) return;  // names a session that is not open: nothing to restore
  RecoveredSession& s = it->second.session;
  switch (row.kind) {
    case SessionEventKind::kContact:
      it->second.keys.emplace_back(std::move(row.channel_id), row.provider_message_id.value_or(std::string()));
      break;
    case SessionEventKind::kAssigned:
      s.employee_id = std::move(row.employee_id);
      break;
    case SessionEventKind::kRequeued:
      s.employee_id.reset();
      if (!row.queue_id.empty()) s.queue_id = std::move(row.queue_id);
      break;
    case SessionEventKind::kEnded:
      open_.erase(it);
      break;
    default:
      break;
  }
}

std::vector<SessionFold::OpenSession> SessionFold::TakeOpen() {
  std::vector<OpenSession> out;
  out.reserve(open_.size());
  for (auto& [key, f] : open_) out.push_back(std::move(f));
  open_.clear();
  return out;
}

void SortByArrival(std::vector<RecoveredSession>& sessions) {
  std::sort(sessions.begin(), sessions.end(), [](const RecoveredSession& a, const RecoveredSession& b) {
    return std::tie(a.arrival_ms, a.tenant_id, a.session_id) < std::tie(b.arrival_ms, b.tenant_id, b.session_id);
  });
}

void MergeOpenState(OpenState& into, OpenState&& part) {
  std::move(part.sessions.begin(), part.sessions.end(), std::back_inserter(into.sessions));
  SortByArrival(into.sessions);
  std::move(part.pending_contacts.begin(), part.pending_contacts.end(), std::back_inserter(into.pending_contacts));
  into.dedup_keys += part.dedup_keys;
  for (const auto& [tenant, id] : part.max_session_id) {
    std::uint64_t& max_id = into.max_session_id[tenant];
    max_id = std::max(max_id, id);
  }
  into.leave_messages += part.leave_messages;
}

}  // namespace routerd::storage
