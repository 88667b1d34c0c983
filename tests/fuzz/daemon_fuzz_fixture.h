// The real daemon for the fuzz targets that reach it over loopback TCP (the
// HTTP request path, the agent WebSocket): started once per fuzzing process on
// an ephemeral port with a small fixed configuration and a data directory of
// its own, and the client side of one exchange.
#pragma once

#include <cstdint>
#include <string_view>

namespace routerd::fuzz {

// The tokens of the fixture's configuration (tenant "acme").
inline constexpr std::string_view kAdminToken = "fuzz-admin-token";
inline constexpr std::string_view kAgentToken = "fuzz-a1-token";  // agent "a1"

// Starts the daemon on first use (aborts if it cannot: a fuzzer without its
// target is no fuzzer) and returns its HTTP port.
std::uint16_t DaemonPort();

// Connects, writes `prefix` then `bytes`, half-closes and reads until the
// daemon closes the connection (or a few seconds pass). With `until`
// non-empty, waits for that text in the answer to `prefix` before sending
// `bytes` (the 101 of a WebSocket upgrade); returns false if it never came.
bool Exchange(std::string_view prefix, std::string_view until, std::string_view bytes);

}  // namespace routerd::fuzz
