// Admission: what becomes of the contacts a channel adapter produced from one
// webhook request, in each durability mode. The HTTP layer turns the outcome
// into the provider's answer; nothing here knows HTTP.
//
// Every mode deduplicates on (channel, provider message id), hands the
// contacts to the tenant's router shard all or none (router full: refused,
// the provider retries, nothing accepted is lost) and the leave messages
// (web leave_message events) to the leave-message sink. Only then is the
// request accepted.
//
// Batching: on an I/O thread, accepted contacts are staged on that thread's
// producer (their queue room reserved, so acceptance is already certain) and
// handed to the shards by one flush posted to the end of the thread's current
// event-loop round: all requests read in one round cost one shard wake-up.
//
// Durability (with storage):
//   - sync: nothing is routed or accepted before the commit. The shard room is
//     reserved first, the request's contacts are appended as one record, and
//     the outcome comes later: after the commit, contacts new to storage are
//     handed to the router (duplicates of anything already stored are not:
//     the storage's unique key is the durable dedup), web leave messages are
//     created (a second commit), then the request is accepted. Storage that is
//     full or failing refuses the request: the provider retries and nothing
//     is half-accepted.
//   - async: the in-memory dedup window, then the shard room is reserved, the
//     record appended (refused if storage is full), the contacts handed to the
//     router and the request accepted at once; the commit follows. A crash can
//     lose what was accepted but not yet committed.
//
// Thread safety: Admit runs concurrently on every I/O thread; each thread uses
// its own router producer, named by IoThread.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/cluster/tenant_ownership.h"
#include "engine/config/config.h"
#include "engine/ingest/dedup_window.h"
#include "engine/leave/leave_message_sink.h"
#include "engine/shard/shard_set.h"
#include "engine/storage/storage.h"
#include "routerd/contact.h"

namespace routerd::ingest {

// The channel a request came in on.
struct IngestRoute {
  std::string id;
  std::string kind;
  shard::TenantRef tenant;
  std::uint32_t channel = 0;
};

// The I/O thread a request is handled on; index -1 for any other thread.
struct IoThread {
  int index = -1;
  boost::asio::io_context* io = nullptr;
};

enum class Verdict : std::uint8_t {
  kAccepted,
  kRouterFull,     // the tenant's shard queue is full: retry later
  kStorageFull,    // storage refused the append (queue full): retry later
  kStorageFailed,  // the commit failed: retry later
};

struct Admitted {
  Verdict verdict = Verdict::kAccepted;
  std::string detail;                // why, for a refusal
  std::uint64_t accepted = 0;        // contacts handed to the router
  std::uint64_t duplicates = 0;      // contacts and leave messages already seen
  std::uint64_t leave_messages = 0;  // leave messages created or handed on
};

class Admission {
 public:
  struct Counters {
    std::atomic<std::uint64_t> storage_failed{0};   // requests or records storage could not store
    std::atomic<std::uint64_t> late_duplicates{0};  // async: routed, then found already stored
  };

  // All must outlive the admission. `storage` may be null (nothing durable).
  Admission(shard::ShardSet& shards, DedupWindow& dedup, leave::LeaveMessageSink& leave_messages,
            storage::Storage* storage, config::Durability durability, int io_threads);

  // The outcome now, or nullopt when `later` gets it (sync durability with a
  // `later` given), on `thread.io` (or on a storage thread when it is null).
  std::optional<Admitted> Admit(const IngestRoute& route, std::vector<Contact>&& contacts,
                                std::vector<Contact>&& leave_contacts, std::int64_t now_ms, IoThread thread,
                                std::function<void(Admitted)> later);

  // Hands on contacts still staged by I/O threads. REQUIRES: the I/O threads
  // have stopped.
  void FlushAll();

  // Cluster mode: contacts are routed here only for the tenants this instance
  // routes now (stamped with the lease epoch, checked again inside the
  // commit); the others are stored for their owner and still answered 2xx
  // after the commit. Before the server starts.
  void SetOwnership(const cluster::TenantOwnership* ownership) { ownership_ = ownership; }

  const Counters& counters() const { return *counters_; }
  // The skill queue of the route's channel in effect now.
  std::string QueueOfChannel(const IngestRoute& route) const;
  bool deferred_answers() const { return storage_ != nullptr && durability_ == config::Durability::kSync; }

 private:
  struct PendingSync;

  Admitted AdmitNow(const IngestRoute& route, std::vector<Contact>&& contacts, std::vector<Contact>&& leave_contacts,
                    std::int64_t now_ms, IoThread thread);
  std::optional<Admitted> AdmitSync(const IngestRoute& route, std::vector<Contact>&& contacts,
                                    std::vector<Contact>&& leave_contacts, std::int64_t now_ms, IoThread thread,
                                    std::function<void(Admitted)> later);
  void FinishSync(PendingSync& pending);
  Status Submit(const IngestRoute& route, std::span<ContactPtr> contacts, IoThread thread);
  void HandOffReserved(const IngestRoute& route, std::span<ContactPtr> contacts, IoThread thread,
                       std::uint64_t lease_epoch = 0);

  shard::ShardSet& shards_;
  DedupWindow& dedup_;
  leave::LeaveMessageSink& leave_messages_;
  storage::Storage* storage_;
  const config::Durability durability_;
  const cluster::TenantOwnership* ownership_ = nullptr;
  // Shared with storage completions, which may run after the admission is gone.
  const std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  // One producer per I/O thread, and one shared under a lock for any other caller.
  std::vector<std::unique_ptr<shard::ShardSet::Producer>> producers_;
  std::mutex foreign_mu_;
  std::unique_ptr<shard::ShardSet::Producer> foreign_producer_;
};

// The leave message a web leave_message event becomes, for `skill_queue`
// (its channel's queue in effect: Admission::QueueOfChannel).
leave::LeaveMessage LeaveMessageOf(std::string skill_queue, ContactPtr contact, std::int64_t now_ms);

}  // namespace routerd::ingest
