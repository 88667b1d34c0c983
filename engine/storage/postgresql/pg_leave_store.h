// PgLeaveStore: leave messages in PostgreSQL. Every change is a record
// (pg_leave_records.h) submitted to the tenant's PgWriter and run inside its
// batch transaction: the stored status is read with the row locked and
// checked there, so two concurrent operations on one message cannot both
// pass, whichever routerd instance makes them. Reads use connections lent by
// the PgReaderPool and never wait for a writer. Message ids come from the
// table's identity column, unique across tenants and instances. A voice
// message's audio is kept in the database (leave_voice_files) with the
// SHA-256 recorded when it was uploaded; attachment_ref names it
// "voice/<id>.<ext>", as on SQLite.
//
// Lifetime: records already submitted may complete after the store is
// destroyed (the sink's own bookkeeping survives that); the writers and the
// reader pool must outlive every call.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/leave/leave_repository.h"
#include "engine/storage/postgresql/pg_reader_pool.h"
#include "engine/storage/postgresql/pg_writer_set.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

class PgLeaveStore final : public leave::LeaveRepository {
 public:
  // `writers`, `readers` and `clock` must outlive the store. Voice files above
  // `max_voice_bytes` are refused (InvalidArgument).
  PgLeaveStore(PgWriterSet& writers, PgReaderPool& readers, const Clock& clock, std::size_t max_voice_bytes);

  void Submit(std::vector<leave::LeaveMessage>&& batch) override;
  Status CreateAsync(leave::LeaveMessage message, leave::Actor actor, Done done) override;
  Status CreateVoiceAsync(leave::VoiceMessage voice, leave::Actor actor, Done done) override;
  Status TransitionAsync(leave::LeaveTransition transition, leave::Actor actor, Done done) override;

  StatusOr<leave::StoredLeaveMessage> Get(const std::string& tenant_id, std::int64_t id) override;
  StatusOr<std::vector<leave::LeaveHistoryEntry>> History(const std::string& tenant_id, std::int64_t id) override;
  StatusOr<leave::LeavePage> Query(const std::string& tenant_id, const leave::LeaveQuery& query) override;
  // NotFound when the audio is missing from the database, DataLoss when it no
  // longer matches the recorded SHA-256.
  StatusOr<std::string> ReadVoiceAttachment(const leave::StoredLeaveMessage& message) const override;
  leave::LeaveStoreStats stats() const override;

 private:
  // Shared with the sink's records, which may complete after the store is gone.
  struct SinkCounters {
    std::atomic<std::uint64_t> stored{0}, refused{0}, failed{0};
  };

  PgWriterSet& writers_;
  PgReaderPool& readers_;
  const Clock& clock_;
  const std::size_t max_voice_bytes_;
  const std::shared_ptr<SinkCounters> sink_ = std::make_shared<SinkCounters>();
};

}  // namespace routerd::storage
