// The router model test's step generator: random steps, drawn from the
// reference model's state so that most of them matter.
#pragma once

#include <random>

#include "tests/routing/model_steps.h"
#include "tests/routing/reference_model.h"

namespace routerd::testing {

// Random steps, chosen from the model's state so that most of them matter.
class StepGenerator {
 public:
  StepGenerator(const config::TenantConfig& tenant, std::uint64_t seed) : tenant_(tenant), rng_(seed) {}

  Step Next(const ReferenceModel& model) {
    Step s;
    const int r = Pick(100);
    const auto agents = static_cast<std::uint32_t>(model.agents().size());
    if (r < 30) {
      s.kind = Step::Kind::kContact;
      s.channel = static_cast<std::uint32_t>(Pick(3));
      s.customer = "u" + std::to_string(Pick(25));
      // Some name an agent (or a name nobody has).
      if (Pick(8) == 0) s.preferred = Pick(static_cast<int>(agents) + 1) - 1;
    } else if (r < 40 && !model.sessions().empty()) {
      // A repeat message of an open session.
      auto it = model.sessions().begin();
      std::advance(it, Pick(static_cast<int>(model.sessions().size())));
      s.kind = Step::Kind::kContact;
      s.channel = it->first.first;
      s.customer = it->first.second;
    } else if (r < 44) {
      // A run-time priority for a session, mostly a waiting one; 10 is refused.
      s.kind = Step::Kind::kCommand;
      s.command = AgentCommandType::kSetPriority;
      s.channel = 0;
      s.customer = "nobody";
      if (!model.sessions().empty() && Pick(8) != 0) {
        auto it = model.sessions().begin();
        std::advance(it, Pick(static_cast<int>(model.sessions().size())));
        s.channel = it->first.first;
        s.customer = it->first.second;
      }
      const int p = Pick(13);
      if (p < 11) s.priority = static_cast<std::uint8_t>(p);
    } else if (r < 52) {
      s.kind = Step::Kind::kAdvance;
      s.advance_ns = Pick(4) == 0 ? static_cast<std::int64_t>(Pick(90)) * kSec : Pick(5000) * 1'000'000LL;
    } else if (r < 70) {
      s.kind = Step::Kind::kCommand;
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      static const AgentCommandType kPresence[] = {AgentCommandType::kSignIn, AgentCommandType::kReady,
                                                   AgentCommandType::kReady, AgentCommandType::kNotReady,
                                                   AgentCommandType::kSignOut};
      s.command = kPresence[Pick(5)];
      // Reasons 1..2 are configured; 3 is not and must be refused.
      if (s.command == AgentCommandType::kNotReady) s.reason = static_cast<std::uint8_t>(Pick(4));
      if (Pick(6) == 0) {
        s.command = AgentCommandType::kEndWrapUp;
        const auto& wraps = model.agents()[s.target].wraps;
        if (Pick(3) != 0) s.wrap_index = static_cast<std::size_t>(Pick(static_cast<int>(wraps.size()) + 1));
      }
    } else if (r < 88) {
      s.kind = Step::Kind::kCommand;
      // Mostly closes; some transfers, to a queue (including the voice one,
      // which must be refused) or to another agent.
      s.command = Pick(5) == 0 ? AgentCommandType::kTransfer : AgentCommandType::kCloseSession;
      if (s.command == AgentCommandType::kTransfer) {
        if (Pick(2) == 0) {
          s.to_queue = static_cast<std::uint32_t>(Pick(static_cast<int>(model.queue_count())));
          // Some prefer an agent there.
          if (Pick(3) == 0) s.to_agent = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
        } else {
          s.to_agent = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
        }
      }
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      const auto& mine = model.agents()[s.target].sessions;
      if (!mine.empty() && Pick(10) != 0) {
        const auto& key = mine[Pick(static_cast<int>(mine.size()))];
        s.channel = key.first;
        s.customer = key.second;
      } else {
        s.channel = 0;
        s.customer = "nobody";
      }
    } else if (r >= 96) {
      // An agent moved to other queues or an OU, given other skills or type;
      // some removed, some added (new, or back after a removal).
      s.kind = Step::Kind::kChangeAgent;
      s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(agents)));
      const int what = Pick(8);
      if (what == 0) {
        s.kind = Step::Kind::kRetireAgent;
        return s;
      }
      if (what == 3 && model.queue_count() < 8) {
        // A queue added (up to a few), mostly multimedia, some requiring
        // skills, some overflowing into another queue of its media.
        static const char* kNames[] = {"least_busy", "longest_idle", "round_robin", "most_skilled"};
        s.kind = Step::Kind::kAddQueue;
        s.target = model.queue_count();
        s.strategy = kNames[Pick(4)];
        s.max_wait = 5 + Pick(40);
        if (Pick(4) == 0) s.type = config::AgentType::kVoice;
        if (s.type != config::AgentType::kVoice && Pick(3) == 0) {
          for (const char* skill : {"en", "es", "vip"}) {
            if (Pick(2)) s.skills.push_back({skill, 1 + Pick(4), 0});
          }
        }
        if (Pick(2) == 0) {
          const auto to = static_cast<std::uint32_t>(Pick(static_cast<int>(model.queue_count())));
          if (model.QueueVoice(to) == (s.type == config::AgentType::kVoice)) s.to_queue = to;
        }
        return s;
      }
      if (what == 2) {
        // An OU moved and re-capped, or added (up to a few).
        const std::uint32_t count = model.ou_count();
        s.kind = Step::Kind::kChangeOu;
        s.target = static_cast<std::uint32_t>(Pick(static_cast<int>(count < 8 ? count + 1 : count)));
        const std::uint32_t parent = static_cast<std::uint32_t>(Pick(static_cast<int>(count + 1)));
        s.ou = parent < count && model.OuParentFits(s.target, parent) ? parent : routing::kNoOu;
        if (Pick(3) != 0) s.cap = static_cast<std::uint32_t>(1 + Pick(5));
        return s;
      }
      if (what == 1) {
        std::vector<std::uint32_t> retired;
        for (std::uint32_t i = 0; i < agents; ++i) {
          if (model.agents()[i].retired) retired.push_back(i);
        }
        if (!retired.empty() && Pick(2) == 0) {
          s.kind = Step::Kind::kAddAgent;
          s.employee = model.agents()[retired[Pick(static_cast<int>(retired.size()))]].employee_id;
        } else if (agents < 12) {
          s.kind = Step::Kind::kAddAgent;
          s.employee = "n" + std::to_string(agents);
        }
      }
      s.ou = static_cast<std::uint32_t>(Pick(static_cast<int>(model.ou_count())));
      const int type = Pick(6);
      if (type == 0) {
        s.type = config::AgentType::kVoice;
        s.queues = {3};  // the voice queue
      } else {
        static const std::vector<std::vector<std::uint32_t>> kSets = {{0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};
        s.queues = kSets[Pick(static_cast<int>(kSets.size()))];
        s.type = type == 1 ? config::AgentType::kVersatile : config::AgentType::kMultimedia;
        if (s.type == config::AgentType::kVersatile) s.queues.push_back(3);
        // Sometimes a queue added at run time too, of a media it serves.
        if (model.queue_count() > 4 && Pick(2) == 0) {
          const auto q = static_cast<std::uint32_t>(4 + Pick(static_cast<int>(model.queue_count() - 4)));
          if (!model.QueueVoice(q) || s.type == config::AgentType::kVersatile) s.queues.push_back(q);
        }
        for (const char* skill : {"en", "es", "vip"}) {
          if (Pick(2)) s.skills.push_back({skill, 1 + Pick(4), 0});
        }
      }
    } else {
      s.kind = Step::Kind::kCommand;
      const int level = Pick(3);
      s.command = level == 0 ? AgentCommandType::kSetAgentCap
                             : level == 1 ? AgentCommandType::kSetOuCap : AgentCommandType::kSetTenantCap;
      s.target = level == 0 ? static_cast<std::uint32_t>(Pick(static_cast<int>(agents)))
                            : static_cast<std::uint32_t>(Pick(static_cast<int>(tenant_.ous.size())));
      const int v = Pick(12);
      s.cap = v < 3 ? std::nullopt : v == 3 ? std::optional<std::uint32_t>(61)
                                           : std::optional<std::uint32_t>(1 + Pick(5));
    }
    return s;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  const config::TenantConfig& tenant_;
  std::mt19937_64 rng_;
};

}  // namespace routerd::testing
