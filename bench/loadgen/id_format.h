// The text shapes provider ids take: decimal, fixed-width hex, big-endian
// bytes (before base64) and ULIDs.
#pragma once

#include <cstdint>
#include <string>

namespace routerd::loadgen {

std::string Decimal(std::uint64_t n);
// 16 lowercase hex digits.
std::string Hex64(std::uint64_t n);
// The 8 bytes of `n`, most significant first.
std::string BigEndian64(std::uint64_t n);
// A ULID (Crockford base32 of 48-bit milliseconds and 80 more bits), as LINE's
// webhookEventId and the widget's event_id are. The 64 low bits carry
// `number`, so two ids of a run never collide.
std::string Ulid(std::int64_t ms, std::uint16_t random16, std::uint64_t number);

}  // namespace routerd::loadgen
