// The configuration the webhook integration tests run the daemon with: one
// tenant, two skill queues, two agents and one channel of each kind (WeChat
// twice: plain mode and safe mode), with test-only secrets that the tests sign
// with. max_body_bytes and router_queue_capacity are at their minimum so that
// 413 and 503 are cheap to reach; "chat" holds any number of waiting sessions.
#pragma once

#include <string_view>

namespace routerd::integration {

inline constexpr std::string_view kTenant = "acme";

inline constexpr std::string_view kWeChatPlainChannel = "wx-plain";
inline constexpr std::string_view kWeChatPlainToken = "wx-plain-test-token";
inline constexpr std::string_view kWeChatPlainAppId = "wx0123456789abcdef";
inline constexpr std::string_view kWeChatSafeChannel = "wx-safe";
inline constexpr std::string_view kWeChatSafeToken = "wx-safe-test-token";
inline constexpr std::string_view kWeChatSafeAppId = "wxfedcba9876543210";
// Base64 of the bytes 0x00..0x1f without its trailing '=': a valid 43-character EncodingAESKey.
inline constexpr std::string_view kWeChatSafeAesKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

inline constexpr std::string_view kWebChannel = "web-chat";
inline constexpr std::string_view kWebSecret = "web-test-secret";

inline constexpr std::string_view kXChannel = "x-dm";
inline constexpr std::string_view kXConsumerSecret = "x-test-consumer-secret";

inline constexpr std::string_view kEmailChannel = "mail-in";
inline constexpr std::string_view kEmailSigningKey = "mailgun-test-signing-key";

inline constexpr std::string_view kWhatsAppChannel = "wa-main";
inline constexpr std::string_view kWhatsAppSecret = "wa-test-app-secret";
inline constexpr std::string_view kWhatsAppVerifyToken = "wa-test-verify-token";

inline constexpr std::string_view kFacebookChannel = "fb-page";
inline constexpr std::string_view kFacebookSecret = "fb-test-app-secret";
inline constexpr std::string_view kFacebookVerifyToken = "fb-test-verify-token";

inline constexpr std::string_view kLineChannel = "line-oa";
inline constexpr std::string_view kLineSecret = "line-test-channel-secret";

inline constexpr int kMaxBodyBytes = 2048;
inline constexpr int kRouterQueueCapacity = 1024;

inline constexpr std::string_view kConfigToml = R"toml(
[server]
listen = "127.0.0.1:0"
io_threads = 2
router_shards = 2
max_body_bytes = 2048
router_queue_capacity = 1024
log_level = "warn"

[[tenants]]
id = "acme"
max_concurrent_sessions = 10
session_idle_timeout_seconds = 3600

[[tenants.ous]]
id = "desk"

[[tenants.skill_queues]]
id = "chat"
strategy = "least_busy"
max_wait_seconds = 3600
max_waiting = 1000000

[[tenants.skill_queues]]
id = "mail"
strategy = "longest_idle"
max_wait_seconds = 3600

[[tenants.agents]]
employee_id = "a1"
ou = "desk"
type = "multimedia"
skill_queues = ["chat", "mail"]

[[tenants.agents]]
employee_id = "a2"
ou = "desk"
type = "versatile"
skill_queues = ["chat"]

[[tenants.channels]]
id = "wx-plain"
kind = "wechat"
skill_queue = "chat"
token = "wx-plain-test-token"
app_id = "wx0123456789abcdef"

[[tenants.channels]]
id = "wx-safe"
kind = "wechat"
skill_queue = "chat"
token = "wx-safe-test-token"
app_id = "wxfedcba9876543210"
encoding_aes_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"

[[tenants.channels]]
id = "web-chat"
kind = "web"
skill_queue = "chat"
secret = "web-test-secret"

[[tenants.channels]]
id = "x-dm"
kind = "x"
skill_queue = "chat"
consumer_secret = "x-test-consumer-secret"

[[tenants.channels]]
id = "mail-in"
kind = "email"
skill_queue = "mail"
signing_key = "mailgun-test-signing-key"

[[tenants.channels]]
id = "wa-main"
kind = "whatsapp"
skill_queue = "chat"
app_secret = "wa-test-app-secret"
verify_token = "wa-test-verify-token"

[[tenants.channels]]
id = "fb-page"
kind = "facebook"
skill_queue = "chat"
app_secret = "fb-test-app-secret"
verify_token = "fb-test-verify-token"

[[tenants.channels]]
id = "line-oa"
kind = "line"
skill_queue = "chat"
channel_secret = "line-test-channel-secret"
)toml";

}  // namespace routerd::integration
