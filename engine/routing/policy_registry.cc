#include "engine/routing/policy_registry.h"

namespace routerd::routing {

Status PolicyRegistry::Register(std::unique_ptr<AssignmentPolicy> policy) {
  if (!policy) return Status::InvalidArgument("null policy");
  std::string name(policy->Name());
  auto [it, inserted] = policies_.emplace(name, std::move(policy));
  if (!inserted) return Status::AlreadyExists("policy '" + name + "' registered twice");
  return Status::Ok();
}

const AssignmentPolicy* PolicyRegistry::Find(std::string_view name) const {
  auto it = policies_.find(name);
  return it == policies_.end() ? nullptr : it->second.get();
}

std::vector<std::string> PolicyRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, policy] : policies_) names.push_back(name);
  return names;
}

}  // namespace routerd::routing
