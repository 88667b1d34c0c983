// SqliteLeaveStore: leave messages in SQLite, in the partition of their
// tenant (see PartitionSet). Every change is a journal record of that
// partition, applied on its writer thread inside the batch transaction: the
// stored status is checked there, so two concurrent operations on one message
// cannot both pass. Reads use the partition's pooled read connections and
// never wait for the writer. Message ids are unique across partitions (each
// partition numbers from its own range, PartitionSet); voice files are
// voice/<id>.<ext> under the data directory.
//
// Lifetime: records already submitted may complete after the store is
// destroyed (the sink's own bookkeeping survives that); the PartitionSet must
// outlive every call.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/leave/leave_repository.h"
#include "engine/storage/sqlite/partition_set.h"
#include "routerd/clock.h"
#include "routerd/status.h"

namespace routerd::storage {

class SqliteLeaveStore final : public leave::LeaveRepository {
 public:
  // `partitions` and `clock` must outlive the store. Voice files above
  // `max_voice_bytes` are refused (InvalidArgument).
  SqliteLeaveStore(PartitionSet& partitions, const Clock& clock, std::size_t max_voice_bytes);

  void Submit(std::vector<leave::LeaveMessage>&& batch) override;
  Status CreateAsync(leave::LeaveMessage message, leave::Actor actor, Done done) override;
  Status CreateVoiceAsync(leave::VoiceMessage voice, leave::Actor actor, Done done) override;
  Status TransitionAsync(leave::LeaveTransition transition, leave::Actor actor, Done done) override;

  StatusOr<leave::StoredLeaveMessage> Get(const std::string& tenant_id, std::int64_t id) override;
  StatusOr<std::vector<leave::LeaveHistoryEntry>> History(const std::string& tenant_id, std::int64_t id) override;
  StatusOr<leave::LeavePage> Query(const std::string& tenant_id, const leave::LeaveQuery& query) override;
  StatusOr<std::string> ReadVoiceAttachment(const leave::StoredLeaveMessage& message) const override;
  leave::LeaveStoreStats stats() const override;

  // Absolute path of a voice attachment file; empty for provider references.
  std::string AttachmentPath(const leave::StoredLeaveMessage& message) const;

 private:
  // Shared with the sink's records, which may complete after the store is gone.
  struct SinkCounters {
    std::atomic<std::uint64_t> stored{0}, refused{0}, failed{0};
  };

  PartitionSet& partitions_;
  const Clock& clock_;
  const std::size_t max_voice_bytes_;
  const std::shared_ptr<SinkCounters> sink_ = std::make_shared<SinkCounters>();
};

}  // namespace routerd::storage
