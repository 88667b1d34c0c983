#include "engine/storage/leave_message_store.h"

#include <charconv>
#include <filesystem>
#include <future>
#include <memory>
#include <set>
#include <utility>
#include <variant>

#include "engine/storage/attachment_files.h"

namespace routerd::storage {

namespace {

enum class TransitionKind : std::uint8_t { kAllocate, kAllocationFailed, kProcess, kSubmit, kDownload };

constexpr const char* kMessageColumns =
    "id, tenant_id, channel_kind, channel_id, customer_id, display_name, text, attachment_ref, attachment_mime,"
    " attachment_sha256, skill_queue, reason, status, employee_id, business_account, created_at_ms, updated_at_ms,"
    " handling_comments";

std::string MessageName(std::int64_t id) { return "leave message " + std::to_string(id); }

StatusOr<StoredLeaveMessage> ReadMessageRow(const Statement& st) {
  StoredLeaveMessage m;
  m.id = st.ColumnInt64(0);
  m.tenant_id = st.ColumnText(1);
  m.channel_kind = st.ColumnText(2);
  m.channel_id = st.ColumnText(3);
  m.customer_id = st.ColumnText(4);
  m.display_name = st.ColumnText(5);
  m.text = st.ColumnText(6);
  m.attachment_ref = st.ColumnText(7);
  m.attachment_mime = st.ColumnText(8);
  m.attachment_sha256 = st.ColumnText(9);
  m.skill_queue = st.ColumnText(10);
  m.reason = st.ColumnText(11);
  std::string status = st.ColumnText(12);
  std::optional<LeaveStatus> parsed = ParseLeaveStatus(status);
  if (!parsed) return Status::DataLoss(MessageName(m.id) + " has unknown status \"" + status + "\"");
  m.status = *parsed;
  m.employee_id = st.ColumnOptionalText(13);
  m.business_account = st.ColumnOptionalText(14);
  m.created_at_ms = st.ColumnInt64(15);
  m.updated_at_ms = st.ColumnInt64(16);
  m.handling_comments = st.ColumnOptionalText(17);
  return m;
}

Status LoadDetails(SqliteConnection& conn, StoredLeaveMessage& m) {
  StatusOr<Statement> parts = conn.Prepare(
      "SELECT provider_message_id, sent_at_ms, text FROM leave_message_parts WHERE message_id = ?1 ORDER BY ordinal");
  if (!parts.ok()) return parts.status();
  parts->Bind(1, m.id);
  for (;;) {
    StatusOr<bool> row = parts->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    m.parts.push_back({parts->ColumnText(0), parts->ColumnInt64(1), parts->ColumnText(2)});
  }
  StatusOr<Statement> att = conn.Prepare(
      "SELECT part, type, reference, mime, size_bytes, name FROM leave_message_attachments WHERE message_id = ?1"
      " ORDER BY ordinal");
  if (!att.ok()) return att.status();
  att->Bind(1, m.id);
  for (;;) {
    StatusOr<bool> row = att->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LeaveMessageAttachment a;
    a.part = static_cast<std::size_t>(att->ColumnInt64(0));
    a.ref.type = att->ColumnText(1);
    a.ref.reference = att->ColumnText(2);
    a.ref.mime = att->ColumnText(3);
    if (!att->ColumnIsNull(4)) a.ref.size_bytes = static_cast<std::uint64_t>(att->ColumnInt64(4));
    a.ref.name = att->ColumnText(5);
    m.attachments.push_back(std::move(a));
  }
  return Status::Ok();
}

// The message with its parts; NotFound also for another tenant's message.
StatusOr<StoredLeaveMessage> LoadMessage(SqliteConnection& conn, const std::string& tenant_id, std::int64_t id) {
  StatusOr<Statement> st = conn.Prepare(std::string("SELECT ") + kMessageColumns +
                                        " FROM leave_messages WHERE id = ?1 AND tenant_id = ?2");
  if (!st.ok()) return st.status();
  StatusOr<bool> row = st->Bind(1, id).Bind(2, tenant_id).Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(MessageName(id) + " not found");
  StatusOr<StoredLeaveMessage> m = ReadMessageRow(*st);
  if (!m.ok()) return m;
  ROUTERD_RETURN_IF_ERROR(LoadDetails(conn, *m));
  return m;
}

Status InsertHistory(SqliteConnection& conn, std::int64_t id, std::int64_t at_ms, const std::string& actor,
                     std::string_view action, std::optional<LeaveStatus> from, LeaveStatus to,
                     const std::string& detail) {
  StatusOr<Statement> st = conn.Prepare(
      "INSERT INTO leave_message_history (message_id, at_ms, actor, action, from_status, to_status, detail)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!st.ok()) return st.status();
  st->Bind(1, id).Bind(2, at_ms).Bind(3, actor).Bind(4, action);
  if (from) {
    st->Bind(5, LeaveStatusName(*from));
  } else {
    st->BindNull(5);
  }
  return st->Bind(6, LeaveStatusName(to)).Bind(7, detail).Run();
}

struct VoiceFile {
  std::string audio;
  std::string sha256;
  std::string extension;
  std::string mime;
};

class CreateRecord final : public JournalRecord {
 public:
  CreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, Actor actor,
               LeaveMessageStore::Done done)
      : message_(std::move(message)), voice_(std::move(voice)), actor_(std::move(actor)), done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    SqliteConnection& conn = ctx.conn;
    const leave::LeaveMessage& m = message_;
    std::string text;
    const AttachmentRef* first_attachment = nullptr;
    for (const ContactPtr& c : m.messages) {
      if (!c->text.empty()) {
        if (!text.empty()) text.push_back('\n');
        text += c->text;
      }
      if (first_attachment == nullptr && !c->attachments.empty()) first_attachment = &c->attachments.front();
    }
    std::int64_t created = m.created_at_ms > 0 ? m.created_at_ms : ctx.now_ms;
    {
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO leave_messages (tenant_id, channel_kind, channel_id, customer_id, display_name, text,"
          " attachment_ref, attachment_mime, attachment_sha256, skill_queue, reason, status, created_at_ms,"
          " updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'to_be_allocated', ?12, ?12)");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, m.tenant_id)
                                  .Bind(2, m.channel_kind)
                                  .Bind(3, m.channel_id)
                                  .Bind(4, m.customer_id)
                                  .Bind(5, m.display_name)
                                  .Bind(6, text)
                                  .Bind(7, first_attachment ? first_attachment->reference : std::string())
                                  .Bind(8, first_attachment ? first_attachment->mime : std::string())
                                  .Bind(9, "")
                                  .Bind(10, m.skill_queue)
                                  .Bind(11, m.reason)
                                  .Bind(12, created)
                                  .Run());
    }
    std::int64_t id = conn.LastInsertRowId();
    ROUTERD_RETURN_IF_ERROR(InsertParts(conn, id));
    if (voice_) {
      std::string rel = "voice/" + std::to_string(id) + "." + voice_->extension;
      ROUTERD_RETURN_IF_ERROR(WriteFileDurably(ctx.data_dir, rel, voice_->audio));
      file_ = rel;
      data_dir_ = ctx.data_dir;
      StatusOr<Statement> st = conn.Prepare(
          "UPDATE leave_messages SET attachment_ref = ?2, attachment_sha256 = ?3, attachment_mime = ?4 WHERE id = ?1");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, id).Bind(2, rel).Bind(3, voice_->sha256).Bind(4, voice_->mime).Run());
    }
    ROUTERD_RETURN_IF_ERROR(KeepContacts(ctx, id));
    ROUTERD_RETURN_IF_ERROR(
        InsertHistory(conn, id, created, actor_.id, "create", std::nullopt, LeaveStatus::kToBeAllocated, m.reason));
    StatusOr<StoredLeaveMessage> result = LoadMessage(conn, m.tenant_id, id);
    if (!result.ok()) return result.status();
    result_ = std::move(result).value();
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (!status.ok() && !file_.empty()) RemoveFile(data_dir_, file_);
    if (!done_) return;
    if (status.ok()) {
      done_(std::move(result_));
    } else {
      done_(status);
    }
  }

 private:
  Status InsertParts(SqliteConnection& conn, std::int64_t id) {
    std::int64_t attachment_ordinal = 0;
    for (std::size_t i = 0; i < message_.messages.size(); ++i) {
      const Contact& c = *message_.messages[i];
      StatusOr<Statement> st = conn.Prepare(
          "INSERT INTO leave_message_parts (message_id, ordinal, provider_message_id, sent_at_ms, text)"
          " VALUES (?1, ?2, ?3, ?4, ?5)");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, id)
                                  .Bind(2, static_cast<std::int64_t>(i))
                                  .Bind(3, c.provider_message_id)
                                  .Bind(4, c.sent_at_ms)
                                  .Bind(5, c.text)
                                  .Run());
      for (const AttachmentRef& a : c.attachments) {
        StatusOr<Statement> at = conn.Prepare(
            "INSERT INTO leave_message_attachments (message_id, ordinal, part, type, reference, mime, size_bytes,"
            " name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!at.ok()) return at.status();
        at->Bind(1, id).Bind(2, attachment_ordinal++).Bind(3, static_cast<std::int64_t>(i));
        at->Bind(4, a.type).Bind(5, a.reference).Bind(6, a.mime);
        if (a.size_bytes) {
          at->Bind(7, static_cast<std::int64_t>(*a.size_bytes));
        } else {
          at->BindNull(7);
        }
        ROUTERD_RETURN_IF_ERROR(at->Bind(8, a.name).Run());
      }
    }
    return Status::Ok();
  }

  // The contacts are now kept in the message: not pending after a restart.
  // A session still open that holds them became this message: end it.
  Status KeepContacts(WriteContext& ctx, std::int64_t id) {
    std::set<std::int64_t> sessions;
    for (const ContactPtr& c : message_.messages) {
      if (c->provider_message_id.empty()) continue;
      StatusOr<Statement> st = ctx.conn.Prepare(
          "UPDATE contacts SET leave_message_id = ?1 WHERE channel_id = ?2 AND provider_message_id = ?3"
          " AND tenant_id = ?4 RETURNING session_id");
      if (!st.ok()) return st.status();
      st->Bind(1, id).Bind(2, c->channel_id).Bind(3, c->provider_message_id).Bind(4, message_.tenant_id);
      for (;;) {
        StatusOr<bool> row = st->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        if (!st->ColumnIsNull(0)) sessions.insert(st->ColumnInt64(0));
      }
    }
    for (std::int64_t session_id : sessions) {
      StatusOr<Statement> st = ctx.conn.Prepare(
          "UPDATE sessions SET ended_at_ms = ?3, end_reason = 'leave_message'"
          " WHERE tenant_id = ?1 AND session_id = ?2 AND ended_at_ms IS NULL");
      if (!st.ok()) return st.status();
      ROUTERD_RETURN_IF_ERROR(st->Bind(1, message_.tenant_id).Bind(2, session_id).Bind(3, ctx.now_ms).Run());
    }
    return Status::Ok();
  }

  leave::LeaveMessage message_;
  std::optional<VoiceFile> voice_;
  Actor actor_;
  LeaveMessageStore::Done done_;
  StoredLeaveMessage result_;
  std::string file_;
  std::string data_dir_;
};

// Validates the cursor "<created_at_ms>:<id>".
bool ParseCursor(const std::string& cursor, std::int64_t& created, std::int64_t& id) {
  auto colon = cursor.find(':');
  if (colon == std::string::npos) return false;
  const char* b = cursor.data();
  auto r1 = std::from_chars(b, b + colon, created);
  auto r2 = std::from_chars(b + colon + 1, b + cursor.size(), id);
  return r1.ec == std::errc() && r1.ptr == b + colon && r2.ec == std::errc() && r2.ptr == b + cursor.size();
}

StatusOr<StoredLeaveMessage> Wait(const std::function<Status(LeaveMessageStore::Done)>& submit) {
  auto promise = std::make_shared<std::promise<StatusOr<StoredLeaveMessage>>>();
  std::future<StatusOr<StoredLeaveMessage>> result = promise->get_future();
  Status s = submit([promise](StatusOr<StoredLeaveMessage> r) { promise->set_value(std::move(r)); });
  if (!s.ok()) return s;
  return result.get();
}

class TransitionRecord final : public JournalRecord {
 public:
  using Kind = TransitionKind;

  TransitionRecord(Kind kind, std::string tenant_id, std::int64_t id, std::string employee_id,
                   std::string business_account, std::string comments, Actor actor, LeaveMessageStore::Done done)
      : kind_(kind),
        tenant_id_(std::move(tenant_id)),
        id_(id),
        employee_id_(std::move(employee_id)),
        business_account_(std::move(business_account)),
        comments_(std::move(comments)),
        actor_(std::move(actor)),
        done_(std::move(done)) {}

  Status Apply(WriteContext& ctx) override {
    SqliteConnection& conn = ctx.conn;
    StatusOr<StoredLeaveMessage> current = LoadMessage(conn, tenant_id_, id_);
    if (!current.ok()) return current.status();
    bool own_only = kind_ == Kind::kProcess || kind_ == Kind::kSubmit || kind_ == Kind::kDownload;
    if (own_only && !actor_.own_employee_id.empty() && current->employee_id != actor_.own_employee_id) {
      return Status::PermissionDenied(MessageName(id_) + " is not allocated to employee " + actor_.own_employee_id);
    }
    if (kind_ == Kind::kDownload) {
      ROUTERD_RETURN_IF_ERROR(InsertHistory(conn, id_, ctx.now_ms, actor_.id, "download", current->status,
                                            current->status, current->attachment_ref));
      result_ = std::move(current).value();
      return Status::Ok();
    }
    LeaveAction action = Action();
    Status allowed = CheckLeaveTransition(current->status, action);
    if (!allowed.ok()) return Status(allowed.code(), MessageName(id_) + ": " + allowed.message());
    LeaveStatus to = LeaveActionTarget(action);
    StatusOr<Statement> st = conn.Prepare(
        "UPDATE leave_messages SET status = ?2, updated_at_ms = ?3, employee_id = COALESCE(?4, employee_id),"
        " business_account = COALESCE(?5, business_account), handling_comments = COALESCE(?6, handling_comments)"
        " WHERE id = ?1");
    if (!st.ok()) return st.status();
    st->Bind(1, id_).Bind(2, LeaveStatusName(to)).Bind(3, ctx.now_ms);
    std::string detail;
    if (kind_ == Kind::kAllocate) {
      st->Bind(4, employee_id_).Bind(5, business_account_);
      detail = "employee_id=" + employee_id_ + " business_account=" + business_account_;
    } else {
      st->BindNull(4).BindNull(5);
    }
    if (kind_ == Kind::kSubmit) {
      st->Bind(6, comments_);
    } else {
      st->BindNull(6);
    }
    ROUTERD_RETURN_IF_ERROR(st->Run());
    ROUTERD_RETURN_IF_ERROR(
        InsertHistory(conn, id_, ctx.now_ms, actor_.id, LeaveActionName(action), current->status, to, detail));
    StatusOr<StoredLeaveMessage> updated = LoadMessage(conn, tenant_id_, id_);
    if (!updated.ok()) return updated.status();
    result_ = std::move(updated).value();
    return Status::Ok();
  }

  void Complete(const Status& status) override {
    if (status.ok()) {
      done_(std::move(result_));
    } else {
      done_(status);
    }
  }

 private:
  LeaveAction Action() const {
    switch (kind_) {
      case Kind::kAllocate:
        return LeaveAction::kAllocate;
      case Kind::kAllocationFailed:
        return LeaveAction::kAllocationFailed;
      case Kind::kProcess:
        return LeaveAction::kProcess;
      case Kind::kSubmit:
      case Kind::kDownload:
        break;
    }
    return LeaveAction::kSubmit;
  }

  Kind kind_;
  std::string tenant_id_;
  std::int64_t id_;
  std::string employee_id_;
  std::string business_account_;
  std::string comments_;
  Actor actor_;
  LeaveMessageStore::Done done_;
  StoredLeaveMessage result_;
};

Status SubmitTransition(JournalWriter& writer, TransitionKind kind, std::string tenant_id, std::int64_t id,
                        std::string employee_id, std::string business_account, std::string comments, Actor actor,
                        LeaveMessageStore::Done done) {
  if (tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (!done) return Status::InvalidArgument("done: required");
  return writer.Submit(std::make_unique<TransitionRecord>(kind, std::move(tenant_id), id, std::move(employee_id),
                                                          std::move(business_account), std::move(comments),
                                                          std::move(actor), std::move(done)));
}

}  // namespace

LeaveMessageStore::LeaveMessageStore(Database& db, JournalWriter& writer, const Clock& clock,
                                     LeaveMessageStoreOptions options)
    : db_(db), writer_(writer), clock_(clock), options_(options) {}

void LeaveMessageStore::Submit(std::vector<leave::LeaveMessage>&& batch) {
  std::vector<JournalRecordPtr> records;
  records.reserve(batch.size());
  for (leave::LeaveMessage& m : batch) {
    records.push_back(std::make_unique<CreateRecord>(
        std::move(m), std::nullopt, Actor{"router", ""}, [counters = sink_](StatusOr<StoredLeaveMessage> r) {
          (r.ok() ? counters->stored : counters->failed).fetch_add(1, std::memory_order_relaxed);
        }));
  }
  std::size_t n = records.size();
  if (!writer_.SubmitAll(std::move(records)).ok()) sink_->refused.fetch_add(n, std::memory_order_relaxed);
}

Status LeaveMessageStore::CreateAsync(leave::LeaveMessage message, Actor actor, Done done) {
  if (message.tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (message.channel_kind.empty()) return Status::InvalidArgument("channel_kind: required");
  for (const ContactPtr& c : message.messages) {
    if (!c) return Status::InvalidArgument("messages: null contact");
  }
  return writer_.Submit(std::make_unique<CreateRecord>(std::move(message), std::nullopt, std::move(actor),
                                                       std::move(done)));
}

Status LeaveMessageStore::CreateVoiceAsync(VoiceMessage voice, Actor actor, Done done) {
  if (voice.tenant_id.empty()) return Status::InvalidArgument("tenant_id: required");
  if (voice.contact_number.empty()) return Status::InvalidArgument("contact_number: required");
  if (voice.audio.empty()) return Status::InvalidArgument("audio: required, the file is empty");
  if (voice.audio.size() > options_.max_voice_bytes) {
    return Status::InvalidArgument("audio: " + std::to_string(voice.audio.size()) + " bytes, at most " +
                                   std::to_string(options_.max_voice_bytes) + " allowed");
  }
  leave::LeaveMessage m;
  m.tenant_id = std::move(voice.tenant_id);
  m.channel_kind = "voice";
  m.channel_id = std::move(voice.channel_id);
  m.customer_id = std::move(voice.contact_number);
  m.skill_queue = std::move(voice.skill_queue);
  m.reason = "voice";
  m.created_at_ms = voice.created_at_ms > 0 ? voice.created_at_ms : clock_.WallMs();
  VoiceFile file;
  file.sha256 = Sha256Hex(voice.audio);
  file.extension = AttachmentExtension(voice.file_name, voice.mime);
  file.mime = voice.mime;
  file.audio = std::move(voice.audio);
  auto record = std::make_unique<CreateRecord>(std::move(m), std::move(file), std::move(actor), std::move(done));
  return writer_.Submit(std::move(record));
}

Status LeaveMessageStore::AllocateAsync(std::string tenant_id, std::int64_t id, std::string employee_id,
                                        std::string business_account, Actor actor, Done done) {
  if (employee_id.empty()) return Status::InvalidArgument("employee_id: required to allocate");
  return SubmitTransition(writer_, TransitionKind::kAllocate, std::move(tenant_id), id, std::move(employee_id),
                          std::move(business_account), {}, std::move(actor), std::move(done));
}

Status LeaveMessageStore::MarkAllocationFailedAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done) {
  return SubmitTransition(writer_, TransitionKind::kAllocationFailed, std::move(tenant_id), id, {}, {}, {}, std::move(actor),
                          std::move(done));
}

Status LeaveMessageStore::ProcessAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done) {
  return SubmitTransition(writer_, TransitionKind::kProcess, std::move(tenant_id), id, {}, {}, {}, std::move(actor),
                          std::move(done));
}

Status LeaveMessageStore::SubmitHandlingAsync(std::string tenant_id, std::int64_t id, std::string handling_comments,
                                              Actor actor, Done done) {
  ROUTERD_RETURN_IF_ERROR(ValidateHandlingComments(handling_comments));
  return SubmitTransition(writer_, TransitionKind::kSubmit, std::move(tenant_id), id, {}, {}, std::move(handling_comments),
                          std::move(actor), std::move(done));
}

Status LeaveMessageStore::RecordDownloadAsync(std::string tenant_id, std::int64_t id, Actor actor, Done done) {
  return SubmitTransition(writer_, TransitionKind::kDownload, std::move(tenant_id), id, {}, {}, {}, std::move(actor),
                          std::move(done));
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::Create(leave::LeaveMessage message, Actor actor) {
  return Wait([&](Done d) { return CreateAsync(std::move(message), std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::CreateVoice(VoiceMessage voice, Actor actor) {
  return Wait([&](Done d) { return CreateVoiceAsync(std::move(voice), std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::Allocate(std::string tenant_id, std::int64_t id,
                                                         std::string employee_id, std::string business_account,
                                                         Actor actor) {
  return Wait([&](Done d) {
    return AllocateAsync(std::move(tenant_id), id, std::move(employee_id), std::move(business_account),
                         std::move(actor), std::move(d));
  });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::MarkAllocationFailed(std::string tenant_id, std::int64_t id,
                                                                     Actor actor) {
  return Wait([&](Done d) { return MarkAllocationFailedAsync(std::move(tenant_id), id, std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::Process(std::string tenant_id, std::int64_t id, Actor actor) {
  return Wait([&](Done d) { return ProcessAsync(std::move(tenant_id), id, std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::SubmitHandling(std::string tenant_id, std::int64_t id,
                                                               std::string handling_comments, Actor actor) {
  return Wait([&](Done d) {
    return SubmitHandlingAsync(std::move(tenant_id), id, std::move(handling_comments), std::move(actor), std::move(d));
  });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::RecordDownload(std::string tenant_id, std::int64_t id, Actor actor) {
  return Wait([&](Done d) { return RecordDownloadAsync(std::move(tenant_id), id, std::move(actor), std::move(d)); });
}

StatusOr<StoredLeaveMessage> LeaveMessageStore::Get(const std::string& tenant_id, std::int64_t id) {
  StatusOr<ReaderPool::Lease> lease = db_.readers().Acquire();
  if (!lease.ok()) return lease.status();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();
  return LoadMessage((*lease)->conn(), tenant_id, id);
}

StatusOr<std::vector<LeaveHistoryEntry>> LeaveMessageStore::History(const std::string& tenant_id, std::int64_t id) {
  StatusOr<ReaderPool::Lease> lease = db_.readers().Acquire();
  if (!lease.ok()) return lease.status();
  SqliteConnection& conn = (*lease)->conn();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();
  {
    StatusOr<Statement> owner = conn.Prepare("SELECT 1 FROM leave_messages WHERE id = ?1 AND tenant_id = ?2");
    if (!owner.ok()) return owner.status();
    StatusOr<bool> row = owner->Bind(1, id).Bind(2, tenant_id).Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound(MessageName(id) + " not found");
  }
  StatusOr<Statement> st = conn.Prepare(
      "SELECT seq, at_ms, actor, action, from_status, to_status, detail FROM leave_message_history"
      " WHERE message_id = ?1 ORDER BY seq");
  if (!st.ok()) return st.status();
  st->Bind(1, id);
  std::vector<LeaveHistoryEntry> out;
  for (;;) {
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LeaveHistoryEntry e;
    e.seq = st->ColumnInt64(0);
    e.at_ms = st->ColumnInt64(1);
    e.actor = st->ColumnText(2);
    e.action = st->ColumnText(3);
    if (!st->ColumnIsNull(4)) e.from = ParseLeaveStatus(st->ColumnText(4));
    std::optional<LeaveStatus> to = ParseLeaveStatus(st->ColumnText(5));
    if (!to) return Status::DataLoss(MessageName(id) + ": history entry with unknown status");
    e.to = *to;
    e.detail = st->ColumnText(6);
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<LeavePage> LeaveMessageStore::Query(const std::string& tenant_id, const LeaveQuery& q) {
  std::size_t page_size = q.page_size == 0 ? kDefaultPageSize : q.page_size;
  if (page_size > kMaxPageSize) {
    return Status::InvalidArgument("page_size: " + std::to_string(page_size) + ", at most " +
                                   std::to_string(kMaxPageSize));
  }
  if (q.from_ms && q.to_ms && *q.from_ms > *q.to_ms) {
    return Status::InvalidArgument("time window: from is after to");
  }
  std::int64_t cursor_created = 0, cursor_id = 0;
  if (!q.cursor.empty() && !ParseCursor(q.cursor, cursor_created, cursor_id)) {
    return Status::InvalidArgument("cursor: \"" + q.cursor + "\" is not a cursor returned by a previous page");
  }

  // Filters, bound in order; the SQL text (one cached statement per filter
  // combination) depends only on which are set.
  using Value = std::variant<std::int64_t, std::string>;
  std::vector<Value> values{tenant_id};
  std::string where = " WHERE tenant_id = ?";
  auto add = [&](const char* clause, Value v) {
    where += clause;
    values.push_back(std::move(v));
  };
  if (q.from_ms) add(" AND created_at_ms >= ?", *q.from_ms);
  if (q.to_ms) add(" AND created_at_ms < ?", *q.to_ms);
  if (!q.contact_number.empty()) add(" AND customer_id = ?", q.contact_number);
  if (q.status) add(" AND status = ?", std::string(LeaveStatusName(*q.status)));
  if (!q.employee_id.empty()) add(" AND employee_id = ?", q.employee_id);
  if (!q.channel_kind.empty()) add(" AND channel_kind = ?", q.channel_kind);
  if (!q.skill_queue.empty()) add(" AND skill_queue = ?", q.skill_queue);
  std::size_t filter_values = values.size();

  std::string page_where = where;
  if (!q.cursor.empty()) {
    page_where += q.oldest_first ? " AND (created_at_ms, id) > (?, ?)" : " AND (created_at_ms, id) < (?, ?)";
    values.emplace_back(cursor_created);
    values.emplace_back(cursor_id);
  }
  std::string order = q.oldest_first ? " ORDER BY created_at_ms ASC, id ASC" : " ORDER BY created_at_ms DESC, id DESC";

  StatusOr<ReaderPool::Lease> lease = db_.readers().Acquire();
  if (!lease.ok()) return lease.status();
  SqliteConnection& conn = (*lease)->conn();
  ReadConnection::Snapshot snapshot(**lease);
  if (!snapshot.status().ok()) return snapshot.status();

  auto bind = [&](Statement& st, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      int index = static_cast<int>(i + 1);
      if (const auto* v = std::get_if<std::int64_t>(&values[i])) {
        st.Bind(index, *v);
      } else {
        st.Bind(index, std::get<std::string>(values[i]));
      }
    }
  };

  LeavePage page;
  {
    StatusOr<Statement> st = conn.Prepare(std::string("SELECT ") + kMessageColumns + " FROM leave_messages" +
                                          page_where + order + " LIMIT ?");
    if (!st.ok()) return st.status();
    bind(*st, values.size());
    st->Bind(static_cast<int>(values.size() + 1), static_cast<std::int64_t>(page_size + 1));
    for (;;) {
      StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (page.items.size() == page_size) {
        const StoredLeaveMessage& last = page.items.back();
        page.next_cursor = std::to_string(last.created_at_ms) + ":" + std::to_string(last.id);
        break;
      }
      StatusOr<StoredLeaveMessage> m = ReadMessageRow(*st);
      if (!m.ok()) return m.status();
      page.items.push_back(std::move(m).value());
    }
  }
  {
    StatusOr<Statement> st = conn.Prepare("SELECT COUNT(*) FROM leave_messages" + where);
    if (!st.ok()) return st.status();
    bind(*st, filter_values);
    StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    page.total = static_cast<std::uint64_t>(st->ColumnInt64(0));
  }
  return page;
}

std::string LeaveMessageStore::AttachmentPath(const StoredLeaveMessage& message) const {
  if (message.attachment_sha256.empty()) return {};
  return (std::filesystem::path(db_.data_dir()) / message.attachment_ref).string();
}

StatusOr<std::string> LeaveMessageStore::ReadVoiceAttachment(const StoredLeaveMessage& message) const {
  if (message.attachment_sha256.empty()) {
    return Status::FailedPrecondition(MessageName(message.id) + " has no stored attachment file");
  }
  return ReadFileVerified(db_.data_dir(), message.attachment_ref, message.attachment_sha256);
}

LeaveStoreStats LeaveMessageStore::stats() const {
  return {sink_->stored.load(std::memory_order_relaxed), sink_->refused.load(std::memory_order_relaxed),
          sink_->failed.load(std::memory_order_relaxed)};
}

}  // namespace routerd::storage
