// libFuzzer target for the WeChat adapter's pure parsing: the XML reader and
// payload normalization on the raw input, and the safe-mode path (envelope,
// base64, AES, padding and length checks) with a fixed key.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wechat/wechat_crypto.h"
#include "wechat/wechat_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace routerd::adapters::wechat;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)ParseWeChatPayload(input);

  // The W4 vector's key and app id, so the safe_w4.xml seed decrypts.
  static const std::string key = DecodeEncodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").value();
  auto encrypt = ExtractEncrypt(input);
  if (encrypt.ok()) {
    auto msg = DecryptMessage(key, *encrypt, "wxb11529c136998cb6");
    if (msg.ok()) (void)ParseWeChatPayload(*msg);
  }
  return 0;
}
