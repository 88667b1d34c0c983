// PolicyRegistry: strategy name -> AssignmentPolicy.
//
// Filled once at start-up by RegisterBuiltinPolicies (and by anything that adds
// a policy); read-only afterwards, shared by every shard.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "routerd/assignment_policy.h"
#include "routerd/status.h"

namespace routerd::routing {

class PolicyRegistry {
 public:
  Status Register(std::unique_ptr<AssignmentPolicy> policy);
  // nullptr when unknown.
  const AssignmentPolicy* Find(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::unique_ptr<AssignmentPolicy>, std::less<>> policies_;
};

// least_busy, longest_idle, round_robin.
Status RegisterBuiltinPolicies(PolicyRegistry& registry);

}  // namespace routerd::routing
