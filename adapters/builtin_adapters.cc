// The only file that names every built-in channel. Adding an eighth channel
// means a folder under adapters/ and one line here; nothing in engine/ changes.
#include "routerd/builtin_adapters.h"

#include "email/email_adapter.h"
#include "facebook/facebook_adapter.h"
#include "line/line_adapter.h"
#include "web/web_adapter.h"
#include "wechat/wechat_adapter.h"
#include "whatsapp/whatsapp_adapter.h"
#include "x/x_adapter.h"

namespace routerd {

Status RegisterBuiltinAdapters(AdapterRegistry& registry) {
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::wechat::MakeWeChatAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::web::MakeWebAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::x::MakeXAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::email::MakeEmailAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::whatsapp::MakeWhatsAppAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::facebook::MakeFacebookAdapterFactory()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(adapters::line::MakeLineAdapterFactory()));
  return Status::Ok();
}

}  // namespace routerd
