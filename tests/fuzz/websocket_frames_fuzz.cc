// The agent WebSocket, from raw frame bytes after a real upgrade with an agent
// token: framing (lengths, masks, opcodes, fragments, control frames, close
// codes) and the JSON requests inside them, down to the commands the router
// gets. The daemon must answer or close, and never crash.
// Seeds: tests/fuzz/corpus/websocket_frames (masked client frames).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/daemon_fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string upgrade =
      "GET /api/v1/agents/a1/ws HTTP/1.1\r\nHost: fuzz\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
      std::string(routerd::fuzz::kAgentToken) + "\r\n\r\n";
  routerd::fuzz::Exchange(upgrade, "\r\n\r\n", std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
