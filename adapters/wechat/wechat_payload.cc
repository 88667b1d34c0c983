#include "wechat/wechat_payload.h"

#include <optional>
#include <utility>

#include "common/time_units.h"
#include "common/xml.h"

namespace routerd::adapters::wechat {
namespace {

XmlLimits PayloadLimits() {
  XmlLimits limits;
  limits.max_bytes = kMaxBodyBytes;
  limits.max_depth = 8;  // pushes are flat; a few events nest two or three levels
  limits.max_elements = 512;
  return limits;
}

StatusOr<XmlElement> ParseRoot(std::string_view xml) {
  auto root = ParseXml(xml, PayloadLimits());
  if (!root.ok()) return Status::InvalidArgument("wechat: " + root.status().message());
  if (root->name != "xml") return Status::InvalidArgument("wechat: root element must be <xml>");
  return root;
}

Status Missing(std::string_view field) {
  return Status::InvalidArgument("wechat: field '" + std::string(field) + "' is required");
}

StatusOr<std::string_view> Required(const XmlElement& root, std::string_view field) {
  std::optional<std::string_view> value = root.ChildText(field);
  if (!value.has_value() || value->empty()) return Missing(field);
  return *value;
}

std::string_view Optional(const XmlElement& root, std::string_view field) {
  return root.ChildText(field).value_or(std::string_view());
}

// WeChat's voice Format values; anything else keeps an empty mime.
std::string_view VoiceMime(std::string_view format) {
  if (format == "amr") return "audio/amr";
  if (format == "speex") return "audio/speex";
  if (format == "mp3") return "audio/mpeg";
  return {};
}

Status AddMedia(const XmlElement& root, std::string_view type, Contact& contact) {
  auto media_id = Required(root, "MediaId");
  if (!media_id.ok()) return media_id.status();
  contact.attachments.push_back(AttachmentRef{std::string(type), std::string(*media_id), "", std::nullopt, ""});
  return Status::Ok();
}

// Fills text and attachments for a known MsgType.
Status FillBody(const XmlElement& root, std::string_view msg_type, Contact& contact) {
  if (msg_type == "text") {
    std::optional<std::string_view> content = root.ChildText("Content");
    if (!content.has_value()) return Missing("Content");
    contact.text.assign(*content);
  } else if (msg_type == "image") {
    // One reference per attachment: the PicUrl can be fetched without an
    // access token, so it wins; the MediaId is the fallback.
    std::string_view url = Optional(root, "PicUrl");
    std::string_view media_id = Optional(root, "MediaId");
    if (url.empty() && media_id.empty()) return Missing("PicUrl or MediaId");
    contact.attachments.push_back(
        AttachmentRef{"image", std::string(url.empty() ? media_id : url), "", std::nullopt, ""});
  } else if (msg_type == "voice") {
    ROUTERD_RETURN_IF_ERROR(AddMedia(root, "audio", contact));
    contact.attachments.back().mime.assign(VoiceMime(Optional(root, "Format")));
    contact.text.assign(Optional(root, "Recognition"));  // speech-to-text, when enabled
  } else if (msg_type == "video" || msg_type == "shortvideo") {
    ROUTERD_RETURN_IF_ERROR(AddMedia(root, "video", contact));
  } else if (msg_type == "location") {
    auto x = Required(root, "Location_X");
    if (!x.ok()) return x.status();
    auto y = Required(root, "Location_Y");
    if (!y.ok()) return y.status();
    std::string_view label = Optional(root, "Label");
    contact.text.reserve(label.size() + x->size() + y->size() + 4);
    if (!label.empty()) contact.text.append(label).push_back(' ');
    contact.text.append("(").append(*x).append(",").append(*y).append(")");
  } else if (msg_type == "link") {
    auto url = Required(root, "Url");
    if (!url.ok()) return url.status();
    std::string_view title = Optional(root, "Title");
    if (!title.empty()) contact.text.append(title).push_back('\n');
    contact.text.append(*url);
  }
  return Status::Ok();
}

bool IsCustomerMessage(std::string_view msg_type) {
  return msg_type == "text" || msg_type == "image" || msg_type == "voice" || msg_type == "video" ||
         msg_type == "shortvideo" || msg_type == "location" || msg_type == "link";
}

}  // namespace

StatusOr<WeChatPayload> ParseWeChatPayload(std::string_view xml) {
  auto root = ParseRoot(xml);
  if (!root.ok()) return root.status();
  auto msg_type = Required(*root, "MsgType");
  if (!msg_type.ok()) return msg_type.status();

  WeChatPayload payload;
  if (*msg_type == "event") {
    payload.ignored.push_back("event");
    return payload;
  }
  if (!IsCustomerMessage(*msg_type)) {
    payload.ignored.push_back("unknown_type");
    return payload;
  }

  Contact& contact = payload.contacts.emplace_back();
  auto from = Required(*root, "FromUserName");
  if (!from.ok()) return from.status();
  contact.customer_id.assign(*from);
  auto msg_id = Required(*root, "MsgId");
  if (!msg_id.ok()) return msg_id.status();
  contact.provider_message_id.assign(*msg_id);
  auto create_time = Required(*root, "CreateTime");
  if (!create_time.ok()) return create_time.status();
  std::optional<std::int64_t> seconds = ParseEpochString(*create_time);
  if (!seconds.has_value()) return Status::InvalidArgument("wechat: field 'CreateTime' must be decimal seconds");
  contact.sent_at_ms = EpochToMillis(*seconds);
  ROUTERD_RETURN_IF_ERROR(FillBody(*root, *msg_type, contact));
  return payload;
}

StatusOr<std::string> ExtractEncrypt(std::string_view envelope_xml) {
  auto root = ParseRoot(envelope_xml);
  if (!root.ok()) return root.status();
  auto encrypt = Required(*root, "Encrypt");
  if (!encrypt.ok()) return encrypt.status();
  return std::string(*encrypt);
}

}  // namespace routerd::adapters::wechat
