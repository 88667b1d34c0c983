#include "engine/config/channels_loader.h"

#include <cctype>
#include <exception>
#include <map>
#include <optional>
#include <string_view>

#include "engine/config/skills_loader.h"
#include "routerd/channel_options.h"

namespace routerd::config {
namespace {

using internal::ErrorList;
using internal::JoinNames;
using internal::KnownList;
using internal::Presence;
using internal::Quote;
using internal::ReadPlainId;
using internal::TableReader;

// Line a factory's message points at ("<file>:<line>: ..."), or `fallback`.
int MessageLine(std::string_view message, const std::string& file, int fallback) {
  if (message.substr(0, file.size()) != file || message.substr(file.size(), 1) != ":") return fallback;
  int line = 0;
  size_t i = file.size() + 1;
  if (i >= message.size() || !std::isdigit(static_cast<unsigned char>(message[i]))) return fallback;
  for (; i < message.size() && std::isdigit(static_cast<unsigned char>(message[i])); ++i) {
    line = line * 10 + (message[i] - '0');
  }
  return line;
}

bool CreateAdapter(const ChannelAdapterFactory& factory, const ChannelIdentity& identity, ChannelOptions& options,
                   TableReader& r, ChannelConfig& channel, ErrorList& errors) {
  std::optional<StatusOr<ChannelAdapterPtr>> created;
  try {
    created.emplace(factory.Create(identity, options));
  } catch (const std::exception& e) {
    errors.Add(channel.line, r.where(),
                "the " + identity.kind + " adapter failed while loading: " + std::string(e.what()));
    return false;
  }
  StatusOr<ChannelAdapterPtr>& adapter = *created;
  if (!adapter.ok()) {
    const std::string& message = adapter.status().message();
    int line = MessageLine(message, errors.file(), -1);
    if (line >= 0) {
      errors.AddFormatted(line, message);
    } else {
      // A factory that did not use ChannelOptions::Error still gets a location.
      errors.Add(channel.line, r.where(), message);
    }
    // Keys after the failing one were never read; calling them unknown would mislead.
    return false;
  }
  bool ok = true;
  for (const std::string& key : options.UnreadKeys()) {
    r.Error(key, "unknown key '" + key + "' for kind " + identity.kind);
    ok = false;
  }
  if (*adapter == nullptr) {
    errors.Add(channel.line, r.where(), "internal error: the " + identity.kind + " factory built no adapter");
    return false;
  }
  channel.adapter = std::move(*adapter);
  return ok;
}

}  // namespace

QueueCatalog CatalogOfQueues(const TenantConfig& tenant) {
  QueueCatalog catalog;
  for (const SkillQueueConfig& q : tenant.skill_queues) {
    if (q.retired) continue;
    catalog.ids.push_back(q.id);
    catalog.media.emplace(q.id, q.media);
  }
  return catalog;
}

std::optional<ChannelConfig> ReadChannelTable(const toml::table& table, const std::string& path,
                                              const ConfigSchema& schema, const TenantConfig& tenant,
                                              ErrorList& errors) {
  const QueueCatalog queues = CatalogOfQueues(tenant);
  const std::vector<std::string>& queue_ids = queues.ids;
  const std::map<std::string_view, QueueMedia>& queue_media = queues.media;
  TableReader r(table, path, errors);
  ChannelConfig channel;
  channel.line = r.line();
  std::optional<std::string> id = ReadPlainId(r, "id");
  if (id) {
    channel.id = *id;
    r.set_label(*id);
  }
  std::optional<std::string> kind = r.String("kind", Presence::kRequired);
  bool queue_ok = false;
  if (auto queue = r.String("skill_queue", Presence::kRequired)) {
    auto media = queue_media.find(*queue);
    if (media == queue_media.end()) {
      r.Error("skill_queue", "skill_queue = " + Quote(*queue) + " is not a skill queue of this tenant " +
                                 KnownList("skill queues", queue_ids));
    } else if (media->second != QueueMedia::kMultimedia) {
      r.Error("skill_queue", "skill_queue = " + Quote(*queue) +
                                 " is a voice queue; channels bring multimedia sessions and need a "
                                 "multimedia queue");
    } else {
      channel.skill_queue = *queue;
      queue_ok = true;
    }
  }

  if (auto priority = r.Int("priority", 0, kMaxPriority, Presence::kOptional)) {
    channel.priority = static_cast<int>(*priority);
  }
  channel.required_skills = ReadSkillLevels(r, "required_skills", kMaxRequiredSkills, errors);

  bool options_ok = true;
  ChannelOptions options(errors.file(), channel.line, r.where());
  for (const auto& [key, node] : r.OtherKeys()) {
    const int line = r.KeyLine(key);
    if (const auto* s = node->as_string()) {
      options.Set(key, s->get(), line);
    } else if (const auto* n = node->as_integer()) {
      options.Set(key, n->get(), line);
    } else if (const auto* b = node->as_boolean()) {
      options.Set(key, b->get(), line);
    } else {
      errors.Add(line, r.where(),
                 key + " must be a string, an integer or a boolean (got " + std::string(internal::TypeName(*node)) +
                     ")");
      options_ok = false;
    }
  }

  bool adapter_ok = false;
  if (kind) {
    channel.kind = *kind;
    const ChannelAdapterFactory* factory = schema.adapters->Find(*kind);
    if (factory == nullptr) {
      r.Error("kind", "kind = " + Quote(*kind) + " is not a registered channel kind (registered: " +
                          JoinNames(schema.adapters->Kinds()) + ")");
    } else if (options_ok) {
      adapter_ok = CreateAdapter(*factory, ChannelIdentity{tenant.id, channel.id, *kind}, options, r, channel, errors);
    }
  }
  if (!id || !adapter_ok || !queue_ok) return std::nullopt;
  return channel;
}

void LoadChannelTables(const std::vector<const toml::table*>& tables, const std::string& path,
                       const ConfigSchema& schema, TenantConfig& tenant, ErrorList& errors) {
  std::map<std::string, int, std::less<>> seen;
  for (size_t i = 0; i < tables.size(); ++i) {
    if (tables[i] == nullptr) continue;
    const std::string where = path + ".channels[" + std::to_string(i) + "]";
    std::optional<ChannelConfig> channel = ReadChannelTable(*tables[i], where, schema, tenant, errors);
    // A duplicate id is reported even when the rest of the table is not valid.
    TableReader r(*tables[i], where, errors);
    const toml::node* id_node = tables[i]->get("id");
    const std::optional<std::string> id =
        id_node != nullptr && id_node->is_string() ? std::optional<std::string>(id_node->as_string()->get())
                                                   : std::nullopt;
    if (!id) continue;
    r.set_label(*id);
    auto [it, inserted] = seen.emplace(*id, r.KeyLine("id"));
    if (!inserted) {
      r.Error("id", "duplicate channel id '" + *id + "' (first defined at line " + std::to_string(it->second) +
                        ")");
      continue;
    }
    if (channel) tenant.channels.push_back(std::move(*channel));
  }
}

}  // namespace routerd::config
