// Caps per channel kind in the configuration (multimedia_access_mode =
// "per_channel_kind"): `max_concurrent_sessions_by_channel_kind`, an inline
// table of kind = cap at tenant, OU and agent level. Errors go to the
// loader's list.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config/config.h"
#include "engine/config/toml_reader.h"

namespace routerd::config {

inline constexpr std::string_view kKindCapsKey = "max_concurrent_sessions_by_channel_kind";

// Reads kKindCapsKey of the table behind `r` (absent: empty): kind names by
// the id rules, caps kMinCap..kMaxCap. Sorted by kind.
KindCaps ReadKindCaps(internal::TableReader& r, internal::ErrorList& errors);

// The caps per kind of the whole tenant: only in per-channel-kind access,
// and each kind one that `known_kinds` (the registered channel kinds) has,
// so that a typo is not a cap nobody gets. Per-channel-kind access also needs
// the tenant's channels to be of at most kMaxChannelKinds kinds. `path`
// locates the tenant ("tenants[0]").
void CheckKindCaps(const TenantConfig& tenant, const std::vector<std::string>& known_kinds, std::string_view path,
                   internal::ErrorList& errors);

}  // namespace routerd::config
