// HMAC and SHA digests and a constant-time comparison for verifying webhook
// signatures: the implementation is routerd's one (routerd/crypto.h), which
// also signs routerd's own requests; the adapters use it under these names.
#pragma once

#include "routerd/crypto.h"

namespace routerd::adapters {

using ::routerd::ConstantTimeEquals;
using ::routerd::HmacSha1;
using ::routerd::HmacSha256;
using ::routerd::Sha1;
using ::routerd::Sha256;

}  // namespace routerd::adapters
