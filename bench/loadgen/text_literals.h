// Text as the load generator writes it into provider bodies: JSON string
// literals and XML CDATA sections. Its own code on purpose, not the daemon's
// (see CMakeLists.txt): requests built like an outside client's catch the
// daemon's encoding bugs instead of sharing them.
#pragma once

#include <string>
#include <string_view>

namespace routerd::loadgen {

// JSON string literal of `s`, quotes included (control characters escaped).
std::string JsonQuote(std::string_view s);

// `s` as XML CDATA, split into several sections where it holds "]]>".
std::string CData(std::string_view s);

}  // namespace routerd::loadgen
