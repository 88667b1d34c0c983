#include "engine/config/config_loader.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>


#include "engine/config/agent_states_loader.h"
#include "engine/config/agents_loader.h"
#include "engine/config/channels_loader.h"
#include "engine/config/cluster_loader.h"
#include "engine/config/dialer_loader.h"
#include "engine/config/permissions_loader.h"
#include "engine/config/personal_settings_loader.h"
#include "engine/config/ous_loader.h"
#include "engine/config/overflow_check.h"
#include "engine/config/server_storage_loader.h"
#include "engine/config/kind_caps_loader.h"
#include "engine/config/skill_queues_loader.h"
#include "engine/config/skills_loader.h"
#include "engine/config/token_loader.h"
#include "engine/config/token_rules.h"
#include "engine/config/toml_reader.h"
#include "routerd/crypto.h"

namespace routerd::config {
namespace {

using internal::ErrorList;
using internal::JoinNames;
using internal::KnownList;
using internal::Presence;
using internal::Quote;
using internal::ReadPlainId;
using internal::TableReader;

// Ranges documented in config/README.md; keep them in step.
constexpr std::int64_t kMinIdleTimeout = 10;
constexpr std::int64_t kMaxIdleTimeout = 604800;  // a week

class Loader {
 public:
  Loader(std::string_view source_name, const ConfigSchema& schema)
      : errors_(std::string(source_name)), schema_(schema) {}

  LoadResult Load(std::string_view text) {
    LoadResult result;
    Config config;
    config.source_path = errors_.file();
    config.source_text = std::string(text);
    if (schema_.adapters == nullptr) {
      errors_.Add(0, "", "internal error: the configuration schema has no adapter registry");
      result.errors = errors_.TakeSorted();
      return result;
    }
    toml::table root;
    try {
      root = toml::parse(text, std::string(errors_.file()));
    } catch (const toml::parse_error& e) {
      errors_.Add(static_cast<int>(e.source().begin.line), "",
                  "TOML syntax error at column " + std::to_string(e.source().begin.column) + ": " +
                      std::string(e.description()));
    } catch (const std::exception& e) {
      errors_.Add(0, "", std::string("cannot parse: ") + e.what());
    }
    if (errors_.empty()) {
      // Nothing below is expected to throw (factories are guarded one by one);
      // this is the last line of defence, e.g. against std::bad_alloc.
      try {
        LoadRoot(root, config);
      } catch (const std::exception& e) {
        errors_.Add(0, "", std::string("internal error while loading: ") + e.what());
      }
    }
    if (errors_.empty()) {
      result.config = std::move(config);
    } else {
      result.errors = errors_.TakeSorted();
    }
    return result;
  }

 private:
  // Reads an id and checks its characters; nullopt when missing or invalid.
  void LoadRoot(const toml::table& root, Config& config) {
    TableReader r(root, "", errors_);
    if (const toml::table* server = r.Table("server")) LoadServerTable(*server, config.server, errors_);
    if (const toml::table* storage = r.Table("storage")) LoadStorageTable(*storage, config.storage, errors_);
    // After [storage]: cluster mode is checked against it.
    if (const toml::table* cluster = r.Table("cluster")) {
      LoadClusterTable(*cluster, config.storage, config.cluster, errors_);
    }
    std::vector<const toml::table*> tenants = r.TableArray("tenants");
    const std::vector<const toml::table*> operator_tokens = r.TableArray("operator_tokens");
    r.ReportUnknownKeys();
    // Before the tenants, whose own tokens must not repeat an operator's.
    LoadOperatorTokenTables(operator_tokens, token_places_, config.operator_tokens, errors_);
    const toml::node* tenants_node = root.get("tenants");
    if (tenants.empty() && (tenants_node == nullptr || tenants_node->is_array())) {
      errors_.Add(std::max(1, r.KeyLine("tenants")), "",
                  "no tenants: add at least one [[tenants]] section with an id");
      return;
    }
    std::map<std::string, int, std::less<>> seen;  // id -> line
    for (size_t i = 0; i < tenants.size(); ++i) {
      if (tenants[i] == nullptr) continue;
      TenantConfig tenant;
      bool id_ok = LoadTenant(*tenants[i], i, tenant);
      if (id_ok) {
        auto [it, inserted] = seen.emplace(tenant.id, tenant.line);
        if (!inserted) {
          errors_.Add(tenant.line, "tenants[" + std::to_string(i) + "] '" + tenant.id + "'",
                      "duplicate tenant id '" + tenant.id + "' (first defined at line " +
                          std::to_string(it->second) + ")");
        }
      }
      config.tenants.push_back(std::move(tenant));
    }
    CheckChannelIdsAcrossTenants(config);
  }

  // Webhook URLs (/webhooks/{kind}/{channel_id}) name a channel by id alone,
  // so a channel id may belong to one tenant only.
  void CheckChannelIdsAcrossTenants(const Config& config) {
    std::map<std::string, std::pair<std::string, int>, std::less<>> owner;  // id -> tenant, line
    for (std::size_t t = 0; t < config.tenants.size(); ++t) {
      const TenantConfig& tenant = config.tenants[t];
      for (std::size_t c = 0; c < tenant.channels.size(); ++c) {
        const ChannelConfig& ch = tenant.channels[c];
        auto [it, inserted] = owner.emplace(ch.id, std::make_pair(tenant.id, ch.line));
        if (!inserted && it->second.first != tenant.id) {
          errors_.Add(ch.line, "tenants[" + std::to_string(t) + "].channels '" + ch.id + "'",
                      "channel id '" + ch.id + "' is also used by tenant '" + it->second.first + "' (line " +
                          std::to_string(it->second.second) +
                          "); webhook URLs name channels by id, so ids must be unique across tenants");
        }
      }
    }
  }

  // Returns whether the tenant has a valid id (for the duplicate check).
  bool LoadTenant(const toml::table& table, size_t index, TenantConfig& tenant) {
    TableReader r(table, "tenants[" + std::to_string(index) + "]", errors_);
    tenant.line = r.line();
    std::optional<std::string> id = ReadPlainId(r, "id");
    if (id) {
      tenant.id = *id;
      r.set_label(*id);
    }
    if (auto mode = r.Choice("multimedia_access_mode", {"unified", "per_channel_kind"}, Presence::kOptional,
                             "unified: one cap across all channels; per_channel_kind: a cap for each channel kind")) {
      tenant.multimedia_access_mode = *mode == "unified" ? AccessMode::kUnified : AccessMode::kPerChannelKind;
    }
    r.IntInto("max_concurrent_sessions", kMinCap, kMaxCap, tenant.max_concurrent_sessions);
    tenant.kind_caps = ReadKindCaps(r, errors_);
    r.IntInto("session_idle_timeout_seconds", kMinIdleTimeout, kMaxIdleTimeout, tenant.session_idle_timeout_seconds);
    std::vector<const toml::table*> ous = r.TableArray("ous");
    std::vector<const toml::table*> queues = r.TableArray("skill_queues");
    std::vector<const toml::table*> agents = r.TableArray("agents");
    std::vector<const toml::table*> channels = r.TableArray("channels");
    std::vector<const toml::table*> tokens = r.TableArray("tokens");
    const toml::table* permissions = r.Table("permissions");
    const toml::table* dialer = r.Table("dialer");
    const toml::table* personal = r.Table("personal_settings");
    const toml::table* agent_states = r.Table("agent_states");
    r.ReportUnknownKeys();

    LoadOuTables(ous, r.path(), tenant, errors_);
    LoadSkillQueueTables(queues, r.path(), schema_.strategies, tenant, errors_);
    LoadAgentTables(agents, r.path(), tenant, errors_);
    LoadChannelTables(channels, r.path(), schema_, tenant, errors_);
    CheckRequiredSkillsHeld(tenant, r.path(), errors_);
    CheckKindCaps(tenant, schema_.adapters->Kinds(), r.path(), errors_);
    LoadTokenTables(tokens, r.path(), tenant, token_places_, errors_);
    if (permissions) LoadPermissionsTable(*permissions, r.path(), tenant.permissions, errors_);
    if (dialer) LoadDialerTable(*dialer, r.path(), tenant.dialer, errors_);
    if (personal) LoadPersonalSettingsTable(*personal, r.path(), tenant.personal_settings, errors_);
    if (agent_states) LoadAgentStatesTable(*agent_states, r.path(), tenant, errors_);
    return id.has_value();
  }

  ErrorList errors_;
  const ConfigSchema& schema_;
  // Every token digest seen so far, in any tenant: where it was first configured.
  TokenPlaces token_places_;
};

}  // namespace

LoadResult LoadConfigString(std::string_view toml, std::string_view source_name, const ConfigSchema& schema) {
  return Loader(source_name, schema).Load(toml);
}

LoadResult LoadConfigFile(const std::string& path, const ConfigSchema& schema) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back(path + ": cannot open the configuration file: " + std::strerror(errno));
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    LoadResult result;
    result.errors.push_back(path + ": cannot read the configuration file");
    return result;
  }
  return LoadConfigString(text.str(), path, schema);
}

}  // namespace routerd::config
