// AdapterRegistry: channel kind -> ChannelAdapterFactory.
//
// Filled once at start-up by one explicit function (RegisterBuiltinAdapters in
// builtin_adapters.h), never by static self-registration, which static libraries
// drop silently. Registering a kind twice is an error.
//
// Thread safety: written only before the daemon starts; read-only afterwards, so
// concurrent Find() calls need no synchronization.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/adapter.h"
#include "routerd/status.h"

namespace routerd {

class AdapterRegistry {
 public:
  Status Register(std::unique_ptr<ChannelAdapterFactory> factory);
  // nullptr when no adapter of that kind is registered.
  const ChannelAdapterFactory* Find(std::string_view kind) const;
  // Registered kinds, sorted.
  std::vector<std::string> Kinds() const;

 private:
  std::map<std::string, std::unique_ptr<ChannelAdapterFactory>, std::less<>> factories_;
};

}  // namespace routerd
