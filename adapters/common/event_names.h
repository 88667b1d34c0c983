// Mapping provider event/type names onto static strings for
// WebhookOutcome::ignored, which holds string_views that must outlive the
// request body.
//
// Thread safety: pure function.
#pragma once

#include <initializer_list>
#include <string_view>

namespace routerd::adapters {

// The entry of `known` equal to `name` (each entry must be a string literal or
// otherwise static), else `fallback`.
std::string_view StaticName(std::string_view name, std::initializer_list<std::string_view> known,
                            std::string_view fallback);

}  // namespace routerd::adapters
