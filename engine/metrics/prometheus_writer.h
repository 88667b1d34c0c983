// PrometheusWriter: builds a /metrics body in the Prometheus text format 0.0.4.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace routerd::metrics {

class PrometheusWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // Once per metric name, before its samples. `type`: counter | gauge.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, std::uint64_t value);
  void Sample(std::string_view name, Labels labels, double value);
  // A metric of one sample without labels: its family, then the sample.
  void One(std::string_view name, std::string_view type, std::string_view help, std::uint64_t value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Name(std::string_view name, Labels labels);
  std::string out_;
};

}  // namespace routerd::metrics
