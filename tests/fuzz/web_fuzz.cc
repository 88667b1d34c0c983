// libFuzzer target: the web adapter's pure parse-and-normalize function on
// arbitrary bytes. It must never crash, hang or leak; errors are fine. On
// success every contact must own valid UTF-8 text (it is copied out of the
// body before the next parse reuses the parser).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/text.h"
#include "web/web_payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = routerd::adapters::web::ParseWebPayload(body);
  if (!parsed.ok()) return 0;
  for (const auto* list : {&parsed->contacts, &parsed->leave_messages}) {
    for (const routerd::Contact& c : *list) {
      if (!routerd::adapters::IsValidUtf8(c.text) || !routerd::adapters::IsValidUtf8(c.customer_id) ||
          !routerd::adapters::IsValidUtf8(c.display_name)) {
        std::abort();
      }
    }
  }
  return 0;
}
