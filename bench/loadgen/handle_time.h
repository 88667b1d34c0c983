// HandleTime: how long a simulated agent keeps a session before closing it,
// drawn from a distribution given as "<kind>:<mean seconds>":
//   fixed:2        always 2 s
//   uniform:2      uniform on [0, 4] s (mean 2)
//   exp:2          exponential with mean 2 s (memoryless, as call-center models assume)
//
// Thread safety: a plain value; Sample() uses the caller's generator.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::loadgen {

class HandleTime {
 public:
  enum class Kind { kFixed, kUniform, kExponential };

  static StatusOr<HandleTime> Parse(std::string_view text);
  HandleTime() = default;
  HandleTime(Kind kind, double mean_seconds) : kind_(kind), mean_seconds_(mean_seconds) {}

  // A handle time in microseconds.
  std::int64_t SampleUs(std::mt19937_64& rng) const;
  Kind kind() const { return kind_; }
  double mean_seconds() const { return mean_seconds_; }
  std::string ToString() const;

 private:
  Kind kind_ = Kind::kExponential;
  double mean_seconds_ = 1.0;
};

}  // namespace routerd::loadgen
