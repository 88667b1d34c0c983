// The seven channels routerd ships with. Defined in adapters/builtin_adapters.cc,
// the only file that names them all; the daemon calls it once at start-up.
#pragma once

#include "routerd/adapter_registry.h"
#include "routerd/status.h"

namespace routerd {

Status RegisterBuiltinAdapters(AdapterRegistry& registry);

}  // namespace routerd
