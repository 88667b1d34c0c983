#include "engine/metrics/prometheus_writer.h"

#include <cstdio>

namespace routerd::metrics {

void PrometheusWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusWriter::Name(std::string_view name, Labels labels) {
  out_ += name;
  if (labels.size() == 0) return;
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out_ += ',';
    first = false;
    out_ += key;
    out_ += "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out_ += '\\';
      if (c == '\n') {
        out_ += "\\n";
        continue;
      }
      out_ += c;
    }
    out_ += '"';
  }
  out_ += '}';
}

void PrometheusWriter::Sample(std::string_view name, Labels labels, std::uint64_t value) {
  Name(name, labels);
  out_ += ' ';
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusWriter::Sample(std::string_view name, Labels labels, double value) {
  Name(name, labels);
  char buf[32];
  std::snprintf(buf, sizeof buf, " %.6g\n", value);
  out_ += buf;
}

}  // namespace routerd::metrics
