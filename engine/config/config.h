// The validated configuration: plain structs built once at start-up from the
// TOML file (config_loader.h) and read-only afterwards. Every key, its default
// and its range is documented in config/README.md; keep the two in step.
//
// Thread safety: immutable after loading; shared freely between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "routerd/adapter.h"

namespace routerd::config {

inline constexpr int kMinCap = 1;
inline constexpr int kMaxCap = 60;
inline constexpr int kMaxNotReadyReasons = 32;
inline constexpr int kMaxWrapUpSeconds = 3600;
inline constexpr int kMaxPriority = 9;
inline constexpr int kMinSkillLevel = 1;
inline constexpr int kMaxSkillLevel = 10;
inline constexpr int kMaxAgentSkills = 64;
inline constexpr int kMaxRequiredSkills = 16;
inline constexpr int kMaxStickySeconds = 30 * 86400;
inline constexpr int kMaxStickyWaitSeconds = 3600;

enum class AgentType { kVersatile, kMultimedia, kVoice };
enum class QueueMedia { kMultimedia, kVoice };
// How an agent's concurrency cap counts its sessions: kUnified, one cap for
// the sessions of every channel ("unified channel access"); kPerChannelKind,
// each channel kind (wechat, email, ...) with a cap of its own, the agent's
// sessions counted per kind.
enum class AccessMode { kUnified, kPerChannelKind };
// Distinct channel kinds a tenant may route in per-channel-kind access.
inline constexpr int kMaxChannelKinds = 64;

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port
  int io_threads = 1;                     // 1..64
  int router_shards = 1;                  // 1..64
  int router_queue_capacity = 65536;      // per shard, items; 1024..16777216
  int router_batch_size = 256;            // items drained per bulk dequeue; 1..65536
  int router_tick_ms = 100;               // timeout scan period; 10..10000
  int session_history_limit = 200;        // messages kept per open session; 1..100000
  int ended_session_traces = 10000;       // route traces of ended sessions kept per tenant; 0..1000000
  std::string log_level = "info";         // trace|debug|info|warn|error|critical|off
  int router_command_queue_capacity = 16384;  // per shard, agent commands; 1024..16777216
  // HTTP
  int max_body_bytes = 1 << 20;           // larger bodies get 413; 1024..67108864
  int max_header_bytes = 16 << 10;        // 1024..1048576
  int read_timeout_seconds = 30;          // a request must arrive whole within this; 1..3600
  int idle_timeout_seconds = 60;          // keep-alive connections idle longer are closed; 1..86400
  int shutdown_grace_seconds = 10;        // in-flight requests get this long to finish; 1..600
  int max_connections = 10000;            // open HTTP connections; more are answered 503 and closed; 1..1000000
  // Failed authentications per client address before it is answered 429
  // (http::AuthFailureGuard): this many at once, then this many a minute.
  int auth_failure_burst = 20;            // 0 turns the limit off; 0..1000000
  int auth_failures_per_minute = 10;      // 1..1000000
  // Agent gateway
  int agent_grace_seconds = 60;           // disconnected agents keep their sessions this long; 0..86400
  int agent_outbox_limit = 1024;          // messages queued per agent connection; 16..1000000
  // Deduplication of provider retries on (channel, provider message id)
  int dedup_window_seconds = 86400;       // 0 disables; 0..604800
  int dedup_max_entries = 1000000;        // oldest forgotten first beyond this; 1000..100000000
};

// Caps for the sessions of single channel kinds (per-channel-kind access):
// `max_concurrent_sessions_by_channel_kind = { email = 8, wechat = 3 }`.
struct KindCap {
  std::string kind;
  int cap = kMinCap;
  int line = 0;
};
using KindCaps = std::vector<KindCap>;  // sorted by kind, each kind once
// The cap `caps` sets for `kind`, if any. (Inline: the router reads it
// without linking the loader.)
inline std::optional<int> CapOfKind(const KindCaps& caps, std::string_view kind) {
  for (const KindCap& c : caps) {
    if (c.kind == kind) return c.cap;
  }
  return std::nullopt;
}

struct OuConfig {
  std::string id;
  std::string parent;  // "" = top level
  std::optional<int> max_concurrent_sessions;
  // Never read from the file: max_concurrent_sessions was set (or cleared)
  // through the API and stored (daemon/stored_settings.h), so a reloaded
  // file's value for it waits until the stored one is cleared.
  bool runtime_cap = false;
  int line = 0;
  KindCaps kind_caps;  // per-channel-kind access: before max_concurrent_sessions
  // Removed at run time (a reload or the provisioning API): it keeps its
  // position, the routers' index of it, and is no OU of the tenant.
  bool retired = false;
};

// A skill and a level: an agent's level in it, or the lowest level a queue
// or a channel accepts. Lists of them are sorted by skill, each skill once.
struct SkillLevel {
  std::string skill;
  int level = kMinSkillLevel;  // kMinSkillLevel..kMaxSkillLevel
  int line = 0;
  friend bool operator==(const SkillLevel& a, const SkillLevel& b) {
    return a.skill == b.skill && a.level == b.level;
  }
};
using SkillLevels = std::vector<SkillLevel>;

struct OverflowTarget {
  enum class Kind { kLeaveMessage, kQueue };
  Kind kind = Kind::kLeaveMessage;
  std::string queue_id;  // for kQueue
};

struct SkillQueueConfig {
  std::string id;
  std::string strategy = "least_busy";
  int max_wait_seconds = 60;   // 1..86400
  int max_waiting = 1000;      // 1..1000000
  OverflowTarget on_overflow;  // default leave_message
  QueueMedia media = QueueMedia::kMultimedia;
  // Leave messages of this queue are allocated to its agents automatically.
  bool auto_allocate = true;
  // The priority of sessions in this queue whose channel sets none (0..9,
  // higher first), and what one level is worth in waiting time: waiting
  // sessions are served in order of first arrival minus priority times
  // priority_aging_seconds, so a lower priority moves up as it waits and
  // nothing waits forever.
  int priority = 0;
  int priority_aging_seconds = 60;  // 1..86400
  // Sessions answered within this long of entering the queue count toward
  // its service level. 1..86400.
  int service_level_seconds = 20;
  // After-contact work: when an agent closes a session of this queue (or it
  // times out idle), the unit of capacity it held stays taken this long, or
  // until the agent ends it. 0..3600; 0 = none.
  int wrap_up_seconds = 0;
  // Only agents that hold every one of these skills at the level given or
  // above are offered the queue's sessions.
  SkillLevels required_skills;
  // Sticky routing: a new session of a customer whose last session with an
  // agent ended at most sticky_seconds ago prefers that agent (0: off), and
  // waits for it up to sticky_wait_seconds if it is signed in but busy.
  // sticky_wait_seconds also bounds the wait for an agent a contact or a
  // transfer names.
  int sticky_seconds = 0;        // 0..2592000
  int sticky_wait_seconds = 30;  // 1..3600
  // Removed while the daemon runs: it keeps its position, which is the
  // routers' index of it (config/queue_changes.h), and is no queue anywhere.
  bool retired = false;
  int line = 0;
};

struct AgentConfig {
  std::string employee_id;
  std::string ou;
  AgentType type = AgentType::kMultimedia;
  std::vector<std::string> skill_queues;
  SkillLevels skills;
  std::optional<int> max_concurrent_sessions;
  // Never read from the file: max_concurrent_sessions was set (or cleared)
  // through the API and stored (daemon/stored_settings.h), by the agent itself
  // when personal_cap.
  bool runtime_cap = false;
  bool personal_cap = false;
  std::string business_account;  // defaults to employee_id
  std::string name;              // display name, may be empty
  int line = 0;
  KindCaps kind_caps;  // per-channel-kind access: before max_concurrent_sessions
  // Never read from the file: a reload removed the agent while the daemon
  // runs (agent_changes.h). It keeps its place in the tenant's agents, whose
  // positions are the routers' indices; everything else skips it.
  bool retired = false;
};

struct ChannelConfig {
  std::string id;
  std::string kind;
  std::string skill_queue;
  // The priority of its sessions (0..9); unset: the queue's.
  std::optional<int> priority;
  // Skills its sessions need, in whatever queue they wait, beside the
  // queue's own (the higher level where both name a skill).
  SkillLevels required_skills;
  // Built by the kind's factory while loading; validated, ready to serve.
  ChannelAdapterPtr adapter;
  // Removed while the daemon runs: it keeps its position, which is the
  // routers' index of it (config/channel_changes.h); its webhook answers 404.
  bool retired = false;
  int line = 0;
};

// An API bearer token. Only its SHA-256 is kept; the token itself is never
// stored, compared in plain or logged.
struct TokenConfig {
  enum class Role { kTenantAdmin, kAgent };
  std::string name;         // who, in audit logs; defaults to "<role>:<employee_id or index>"
  Role role = Role::kAgent;
  std::string employee_id;  // kAgent only: the agent this token acts as
  std::string sha256;       // 32 raw bytes
  int line = 0;
};

// Leave-message operations, each a permission of its own.
// kViewContact is not an action: without it, contact numbers are masked (all
// but the last four characters) in every answer the role gets.
enum class LeaveOperation : std::uint8_t { kQuery, kAllocate, kProcess, kSubmit, kDownload, kViewContact };
inline constexpr int kLeaveOperationCount = 6;
// "query", "allocate", "process", "submit", "download", "view_contact".
std::string_view LeaveOperationName(LeaveOperation op);
std::optional<LeaveOperation> ParseLeaveOperation(std::string_view name);

// [tenants.permissions]: which leave-message operations each token role may
// use, as a bit set over LeaveOperation.
struct LeavePermissions {
  static constexpr std::uint32_t Bit(LeaveOperation op) { return 1u << static_cast<int>(op); }
  static constexpr std::uint32_t kAll = (1u << kLeaveOperationCount) - 1;
  std::uint32_t tenant_admin = kAll;
  std::uint32_t agent = kAll & ~Bit(LeaveOperation::kAllocate);

  bool Allows(TokenConfig::Role role, LeaveOperation op) const {
    return ((role == TokenConfig::Role::kTenantAdmin ? tenant_admin : agent) & Bit(op)) != 0;
  }
};

// [tenants.dialer]: when an agent counts as idle (it may then process a leave
// message and have a call-back placed), and how routerd asks the operator's
// telephony for call-backs (engine/leave/dialer.h). Without a url no call can
// be requested; the idle rule applies all the same.
struct DialerConfig {
  int idle_max_active_sessions = 0;    // idle: signed in with at most this many active sessions; 0..60
  std::string url;                     // "http://host[:port]/path"; empty: no call-backs
  std::string secret;                  // signs the requests and verifies the callbacks; >= 16 bytes
  int timeout_ms = 5000;               // per attempt; 100..60000
  int max_attempts = 3;                // 1..10
  int retry_backoff_ms = 500;          // before the 2nd attempt, doubling; 10..60000
  int callback_tolerance_seconds = 300;  // callback timestamps this far from now are accepted; 1..86400
  int max_pending_calls = 100;         // requests waiting or in flight per tenant; 1..100000
  int line = 0;
};

// [tenants.personal_settings]: what an agent may set for itself (its Personal
// Center). Its own cap replaces any agent-level cap (the same level as the
// administrator's, the latest wins) and shows the origin "personal".
struct PersonalSettings {
  bool agent_sets_cap = true;  // false: only an administrator sets agent caps
  int agent_cap_min = kMinCap;  // the range an agent may choose from; 1..60
  int agent_cap_max = kMaxCap;
  int line = 0;
};

struct TenantConfig {
  std::string id;
  AccessMode multimedia_access_mode = AccessMode::kUnified;
  int max_concurrent_sessions = 5;          // 1..60
  KindCaps kind_caps;  // per-channel-kind access: before max_concurrent_sessions
  // Never read from the file: the tenant cap an administrator set through the
  // API, stored and applied at start-up (daemon/stored_settings.h). It wins
  // over max_concurrent_sessions, which clearing it restores.
  std::optional<int> runtime_max_concurrent_sessions;
  int session_idle_timeout_seconds = 1800;  // 10..604800
  // The reasons an agent may give for not being ready, in the order the
  // console offers them; not ready without a reason is always allowed.
  // Up to kMaxNotReadyReasons ids.
  std::vector<std::string> not_ready_reasons = {"break", "lunch", "meeting", "training"};
  std::vector<OuConfig> ous;
  std::vector<SkillQueueConfig> skill_queues;
  std::vector<AgentConfig> agents;
  std::vector<ChannelConfig> channels;
  std::vector<TokenConfig> tokens;
  LeavePermissions permissions;
  DialerConfig dialer;
  PersonalSettings personal_settings;
  int line = 0;

  // The tenant-level cap in effect: the run-time one, else the file's.
  int TenantCap() const { return runtime_max_concurrent_sessions.value_or(max_concurrent_sessions); }
};

// [[operator_tokens]]: the bearer tokens of the process's operators, who
// may use the server-wide routes (/api/v1/operator/...: reloading the
// configuration file). They act for no tenant, and no tenant token acts as
// one. Only the SHA-256 is kept, as for TokenConfig.
struct OperatorTokenConfig {
  std::string name;    // who, in audit logs; REQUIRED
  std::string sha256;  // 32 raw bytes
  int line = 0;
};

// [storage]: where accepted contacts, sessions and leave messages are kept.
enum class Durability {
  kSync,   // the provider's 2xx follows the commit (fsync) that holds its contacts
  kAsync,  // the 2xx follows the hand-off to the router; the commit comes after
};

struct StorageOptions {
  std::string backend = "sqlite";        // "sqlite" (embedded) or "postgresql"
  // postgresql: a libpq URL or key=value string (url, url_env or url_file).
  std::string url;
  // Relative paths are relative to the configuration file's directory.
  std::string data_dir = "routerd-data";
  Durability durability = Durability::kSync;
  int dedup_retention_seconds = 604800;  // durable dedup keys kept this long; 3600..31536000
  int journal_queue_capacity = 65536;    // records waiting for each partition's writer; 1024..16777216
  int partitions = 0;                    // journal partitions (writer threads); 0 = one per router shard; 0..256
  int max_voice_bytes = 20 << 20;        // largest IVR voice upload; 1024..268435456
  int allocation_poll_seconds = 5;       // automatic allocation looks for new messages this often; 1..3600
};

// [cluster]: several routerd processes with the same configuration and the
// same PostgreSQL share the tenants, each routed by one instance at a time
// (docs/cluster.md). Off by default: one process owns every tenant, and a
// disabled [cluster] leaves every field at its default. When enabled, [storage]
// is postgresql with durability sync (cluster_loader.h).
struct ClusterOptions {
  bool enabled = false;
  // Both REQUIRED when enabled; the file may give them inline or name an
  // environment variable (instance_id_env, advertise_url_env), since every
  // instance reads the same file.
  std::string instance_id;    // unique in the cluster; [A-Za-z0-9._-], 1..64
  std::string advertise_url;  // "http(s)://host:port" (no trailing "/") where agents and admins reach it
  int lease_ms = 3000;        // a tenant's lease; an owner that cannot renew stops before it ends; 500..60000
  int renew_interval_ms = 0;  // 0 = lease_ms / 3 (EffectiveRenewIntervalMs); 100..lease_ms / 2
  int inbox_poll_ms = 500;    // owners look for contacts other instances stored this often at least; 50..10000
};

// How often an instance renews its leases: renew_interval_ms, or a third of
// lease_ms when that is 0 (room for one failed renewal before the owner must
// step down).
int EffectiveRenewIntervalMs(const ClusterOptions& cluster);

struct Config {
  std::string source_path;
  std::string source_text;  // the file as loaded (a reload compares against it)
  ServerOptions server;
  StorageOptions storage;
  ClusterOptions cluster;
  std::vector<TenantConfig> tenants;
  std::vector<OperatorTokenConfig> operator_tokens;
};

// storage.data_dir made absolute against the configuration file's directory
// (the working directory when the configuration did not come from a file).
std::string ResolvedDataDir(const Config& config);

// storage.partitions, or one per router shard when it is 0.
int JournalPartitions(const Config& config);

std::string_view AgentTypeName(AgentType type);
std::string_view QueueMediaName(QueueMedia media);
std::string_view AccessModeName(AccessMode mode);

// Whether an agent of `type` may serve a skill queue of `media`: versatile
// agents serve both, multimedia agents only multimedia queues, voice agents
// only voice queues.
bool AgentServesMedia(AgentType type, QueueMedia media);

// The channel types a tenant's leave messages can have: "voice" (the IVR's
// uploads) and the kinds of the tenant's channels, sorted. The leave-message
// query and the console's filter both offer exactly these.
std::vector<std::string> LeaveChannelTypes(const TenantConfig& tenant);

// The code an agent's not-ready reason travels as (AgentCommand::reason): 1 +
// its index in the tenant's not_ready_reasons, or nullopt when the tenant has
// no such reason.
std::optional<std::uint8_t> NotReadyReasonCode(const TenantConfig& tenant, std::string_view reason);

// The effective concurrency cap of an agent (agent > nearest OU up the tree >
// tenant) and where it came from, for the router and for --check-config. With
// `kind` (per-channel-kind access), the cap for that channel kind: at each
// level the cap set for the kind, else the level's max_concurrent_sessions.
struct EffectiveCap {
  enum class Origin { kAgent, kPersonal, kOu, kTenant };
  int cap = 1;
  Origin origin = Origin::kTenant;
  std::string ou_id;  // the OU that set it, for kOu
};

// REQUIRES: `tenant` passed validation (no OU cycles) and `agent` is one of its agents.
EffectiveCap ResolveEffectiveCap(const TenantConfig& tenant, const AgentConfig& agent,
                                 std::optional<std::string_view> kind = std::nullopt);

}  // namespace routerd::config
