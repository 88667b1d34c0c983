#include "common/event_names.h"

namespace routerd::adapters {

std::string_view StaticName(std::string_view name, std::initializer_list<std::string_view> known,
                            std::string_view fallback) {
  for (std::string_view k : known) {
    if (k == name) return k;
  }
  return fallback;
}

}  // namespace routerd::adapters
