#include "engine/routing/policies/least_busy.h"
#include "engine/routing/policies/longest_idle.h"
#include "engine/routing/policies/most_skilled.h"
#include "engine/routing/policies/round_robin.h"
#include "engine/routing/policy_registry.h"

namespace routerd::routing {

Status RegisterBuiltinPolicies(PolicyRegistry& registry) {
  ROUTERD_RETURN_IF_ERROR(registry.Register(std::make_unique<LeastBusyPolicy>()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(std::make_unique<LongestIdlePolicy>()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(std::make_unique<RoundRobinPolicy>()));
  ROUTERD_RETURN_IF_ERROR(registry.Register(std::make_unique<MostSkilledPolicy>()));
  return Status::Ok();
}

}  // namespace routerd::routing
