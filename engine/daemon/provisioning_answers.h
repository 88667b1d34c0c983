// The answers, steps and log lines the provisioning API's changes share,
// whatever they change (daemon_provisioning.cc, daemon_provision_queues.cc,
// daemon_provision_channels.cc).
//
// Thread safety: pure functions (LogChange logs).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gateway/provisioning_api.h"
#include "engine/http/http_message.h"
#include "engine/storage/administration.h"

namespace routerd::daemon::provisioning {

// 400 {"error":"bad_request","detail":<first>,"errors":[...]}: each error names its key.
http::HttpResponse InvalidDefinition(const std::vector<std::string>& errors);
// 409 {"error":"conflict","detail":...}: `detail` says why, and what to do first.
http::HttpResponse Conflict(std::string_view detail);
// For a change of `kind` to the object `id` (a `noun`, under /api/v1/`route`)
// that `exists` or not: 409 for a creation of one that exists, 404 for a
// change or removal of one that does not, else nullopt.
std::optional<http::HttpResponse> ExistenceError(gateway::ProvisioningApi::Change::Kind kind, bool exists,
                                                 std::string_view noun, std::string_view id, std::string_view route);
// `item` replaces the object at `at` in `items`, or joins them (`at` is end()).
template <typename T>
void Put(std::vector<T>& items, typename std::vector<T>::iterator at, const T& item) {
  if (at != items.end()) {
    *at = item;
  } else {
    items.push_back(item);
  }
}
// What is stored for `change` to object `id` of `kind`: its definition, or
// (none) its removal.
storage::StoredDefinition StoredChange(storage::DefinitionKind kind, const gateway::ProvisioningApi::Change& change,
                                       const std::string& id);
// 200 {"removed":<id>}.
http::HttpResponse Removed(std::string_view id);
// 201 (`created`) or 200 with `json`, the object as in effect now.
http::HttpResponse Provisioned(bool created, std::optional<std::string> json);
// "a1, a2, a3 and 4 more": the first of `ids`, for a message.
std::string SomeOf(const std::vector<std::string>& ids);
// "<noun> <tenant>/<id> created through the API by '<token>'".
void LogChange(std::string_view noun, const gateway::ProvisioningApi::Change& change, std::string_view id);

}  // namespace routerd::daemon::provisioning
