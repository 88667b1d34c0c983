#include "bench/loadgen/routerd_config.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "bench/loadgen/signing.h"

namespace routerd::loadgen {
namespace {

StatusOr<std::string> ReadFileTrimmed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return content;
}

std::string Where(std::string_view source, const toml::node& node) {
  return std::string(source) + ":" + std::to_string(node.source().begin.line);
}

// A secret given inline, as <key>_env or as <key>_file, as the daemon reads it.
StatusOr<std::string> Secret(const toml::table& t, std::string_view key, bool required, std::string_view where) {
  const std::string k(key);
  if (auto v = t[k].value<std::string>()) return *v;
  if (auto env = t[k + "_env"].value<std::string>()) {
    const char* v = std::getenv(env->c_str());
    if (v == nullptr || *v == '\0') {
      return Status::InvalidArgument(std::string(where) + ": " + k + "_env: environment variable '" + *env +
                                     "' is not set");
    }
    return std::string(v);
  }
  if (auto file = t[k + "_file"].value<std::string>()) {
    auto content = ReadFileTrimmed(*file);
    if (!content.ok()) return Status::InvalidArgument(std::string(where) + ": " + k + "_file: " +
                                                      content.status().message());
    return content;
  }
  if (!required) return std::string();
  return Status::InvalidArgument(std::string(where) + ": missing secret '" + k + "'");
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

StatusOr<ChannelEndpoint> ReadChannel(const toml::table& t, const std::string& tenant, std::string_view where) {
  ChannelEndpoint ch;
  ch.tenant_id = tenant;
  ch.id = t["id"].value_or(std::string());
  const std::string kind = t["kind"].value_or(std::string());
  if (ch.id.empty()) return Status::InvalidArgument(std::string(where) + ": channel without an id");
  auto k = KindFromName(kind);
  if (!k) {
    return Status::InvalidArgument(std::string(where) + ": channel '" + ch.id + "' has unknown kind '" + kind + "'");
  }
  ch.kind = *k;
  std::string_view secret_key;
  switch (ch.kind) {
    case ChannelKind::kWeChat: secret_key = "token"; break;
    case ChannelKind::kWeb: secret_key = "secret"; break;
    case ChannelKind::kX: secret_key = "consumer_secret"; break;
    case ChannelKind::kEmail: secret_key = "signing_key"; break;
    case ChannelKind::kWhatsApp:
    case ChannelKind::kFacebook: secret_key = "app_secret"; break;
    case ChannelKind::kLine: secret_key = "channel_secret"; break;
  }
  auto secret = Secret(t, secret_key, true, where);
  if (!secret.ok()) return secret.status();
  ch.secret = std::move(*secret);
  if (ch.kind == ChannelKind::kWeChat) {
    ch.wechat_app_id = t["app_id"].value_or(std::string());
    auto key = Secret(t, "encoding_aes_key", false, where);
    if (!key.ok()) return key.status();
    ch.wechat_aes_key = std::move(*key);
    if (!ch.wechat_aes_key.empty()) {
      if (auto aes = WeChatAesKey(ch.wechat_aes_key); !aes.ok()) {
        return Status::InvalidArgument(std::string(where) + ": " + aes.status().message());
      }
    }
  }
  return ch;
}

}  // namespace

StatusOr<RouterdConfig> ParseRouterdConfig(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source_name) + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  RouterdConfig config;
  if (auto listen = root["server"]["listen"].value<std::string>()) config.listen = *listen;
  const toml::array* tenants = root["tenants"].as_array();
  if (tenants == nullptr) return Status::InvalidArgument(std::string(source_name) + ": no [[tenants]]");
  for (const toml::node& tn : *tenants) {
    const toml::table* tenant = tn.as_table();
    if (tenant == nullptr) continue;
    const std::string tenant_id = (*tenant)["id"].value_or(std::string());

    std::set<std::string> voice_queues;
    if (const toml::array* queues = (*tenant)["skill_queues"].as_array()) {
      for (const toml::node& q : *queues) {
        if (const toml::table* qt = q.as_table(); qt && (*qt)["media"].value_or(std::string()) == "voice") {
          voice_queues.insert((*qt)["id"].value_or(std::string()));
        }
      }
    }
    std::set<std::string> routed_queues;  // multimedia queues some channel targets
    if (const toml::array* channels = (*tenant)["channels"].as_array()) {
      for (const toml::node& c : *channels) {
        const toml::table* ct = c.as_table();
        if (ct == nullptr) continue;
        auto ch = ReadChannel(*ct, tenant_id, Where(source_name, c));
        if (!ch.ok()) return ch.status();
        config.channels.push_back(std::move(*ch));
        const std::string queue = (*ct)["skill_queue"].value_or(std::string());
        if (!voice_queues.contains(queue)) routed_queues.insert(queue);
      }
    }

    std::map<std::string, AgentSpec> tokens;  // employee_id -> token entry
    if (const toml::array* list = (*tenant)["tokens"].as_array()) {
      for (const toml::node& n : *list) {
        const toml::table* tt = n.as_table();
        if (tt == nullptr || (*tt)["role"].value_or(std::string()) != "agent") continue;
        AgentSpec a;
        a.tenant_id = tenant_id;
        a.employee_id = (*tt)["employee_id"].value_or(std::string());
        a.token_sha256 = Lower((*tt)["token_sha256"].value_or(std::string()));
        if (a.token_sha256.empty()) {
          auto token = Secret(*tt, "token", false, Where(source_name, n));
          if (!token.ok()) return token.status();
          a.token = std::move(*token);
        }
        tokens[a.employee_id] = std::move(a);
      }
    }
    if (const toml::array* agents = (*tenant)["agents"].as_array()) {
      for (const toml::node& n : *agents) {
        const toml::table* at = n.as_table();
        if (at == nullptr || (*at)["type"].value_or(std::string()) == "voice") continue;
        const std::string id = (*at)["employee_id"].value_or(std::string());
        bool routable = false;
        if (const toml::array* queues = (*at)["skill_queues"].as_array()) {
          for (const toml::node& q : *queues) routable |= routed_queues.contains(q.value_or(std::string()));
        }
        auto token = tokens.find(id);
        if (routable && token != tokens.end()) config.agents.push_back(token->second);
      }
    }
  }
  return config;
}

StatusOr<RouterdConfig> ReadRouterdConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read routerd config '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseRouterdConfig(ss.str(), path);
}

Status ResolveAgentTokens(std::vector<AgentSpec>& agents, std::string_view token_template,
                          const std::string& tokens_file) {
  std::map<std::string, std::string> from_file;
  if (!tokens_file.empty()) {
    std::ifstream in(tokens_file);
    if (!in) return Status::NotFound("cannot read tokens file '" + tokens_file + "'");
    std::string line;
    while (std::getline(in, line)) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      std::istringstream fields(line);
      std::string id, token;
      if (fields >> id >> token) from_file[id] = token;
    }
  }
  std::string missing;
  for (AgentSpec& a : agents) {
    if (!a.token.empty()) continue;
    if (auto it = from_file.find(a.employee_id); it != from_file.end()) {
      a.token = it->second;
    } else if (!token_template.empty()) {
      std::string token(token_template);
      for (std::size_t pos; (pos = token.find("{employee_id}")) != std::string::npos;) {
        token.replace(pos, 13, a.employee_id);
      }
      a.token = std::move(token);
    }
    if (a.token.empty()) {
      missing += (missing.empty() ? "" : ", ") + a.employee_id;
      continue;
    }
    if (!a.token_sha256.empty() && Hex(Sha256(a.token)) != a.token_sha256) {
      return Status::InvalidArgument("the token for agent '" + a.employee_id +
                                     "' does not match its token_sha256 in the routerd config");
    }
  }
  if (!missing.empty()) {
    return Status::InvalidArgument("no token for agent(s) " + missing +
                                   ": the config holds only hashes; give --agent-token-template or --agent-tokens");
  }
  return Status::Ok();
}

}  // namespace routerd::loadgen
