#include "routerd/adapter_registry.h"

namespace routerd {

Status AdapterRegistry::Register(std::unique_ptr<ChannelAdapterFactory> factory) {
  if (!factory) return Status::InvalidArgument("null adapter factory");
  std::string kind(factory->Kind());
  if (kind.empty()) return Status::InvalidArgument("adapter factory with an empty kind");
  auto [it, inserted] = factories_.emplace(kind, std::move(factory));
  if (!inserted) return Status::AlreadyExists("adapter kind '" + kind + "' registered twice");
  return Status::Ok();
}

const ChannelAdapterFactory* AdapterRegistry::Find(std::string_view kind) const {
  auto it = factories_.find(kind);
  return it == factories_.end() ? nullptr : it->second.get();
}

std::vector<std::string> AdapterRegistry::Kinds() const {
  std::vector<std::string> kinds;
  kinds.reserve(factories_.size());
  for (const auto& [kind, factory] : factories_) kinds.push_back(kind);
  return kinds;
}

}  // namespace routerd
