#include "bench/loadgen/handle_time.h"

#include <cmath>
#include <cstdlib>

namespace routerd::loadgen {

StatusOr<HandleTime> HandleTime::Parse(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("--handle-time: expected <fixed|uniform|exp>:<mean seconds>, got '" +
                                   std::string(text) + "'");
  }
  const std::string_view name = text.substr(0, colon);
  Kind kind;
  if (name == "fixed") {
    kind = Kind::kFixed;
  } else if (name == "uniform") {
    kind = Kind::kUniform;
  } else if (name == "exp" || name == "exponential") {
    kind = Kind::kExponential;
  } else {
    return Status::InvalidArgument("--handle-time: unknown distribution '" + std::string(name) +
                                   "' (fixed, uniform, exp)");
  }
  const std::string mean_text(text.substr(colon + 1));
  char* end = nullptr;
  const double mean = std::strtod(mean_text.c_str(), &end);
  if (mean_text.empty() || *end != '\0' || !(mean >= 0) || !std::isfinite(mean)) {
    return Status::InvalidArgument("--handle-time: the mean must be a number of seconds >= 0");
  }
  return HandleTime(kind, mean);
}

std::int64_t HandleTime::SampleUs(std::mt19937_64& rng) const {
  const double mean_us = mean_seconds_ * 1e6;
  if (mean_us <= 0) return 0;
  double us = mean_us;
  switch (kind_) {
    case Kind::kFixed:
      break;
    case Kind::kUniform:
      us = std::uniform_real_distribution<double>(0.0, 2.0 * mean_us)(rng);
      break;
    case Kind::kExponential:
      us = std::exponential_distribution<double>(1.0 / mean_us)(rng);
      break;
  }
  return static_cast<std::int64_t>(us);
}

std::string HandleTime::ToString() const {
  const char* name = kind_ == Kind::kFixed ? "fixed" : kind_ == Kind::kUniform ? "uniform" : "exp";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s:%g", name, mean_seconds_);
  return buf;
}

}  // namespace routerd::loadgen
