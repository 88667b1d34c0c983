// Channel adapters: the one place that knows a provider's protocol.
//
// A ChannelAdapter turns a provider's webhook into contacts. It verifies the
// signature on the raw body bytes (constant time), parses, and normalizes. It
// does no I/O and never blocks: it is called concurrently by every I/O thread.
//
// A ChannelAdapterFactory builds one adapter per configured channel instance from
// that channel's settings. The core finds factories by kind through the
// AdapterRegistry (adapter_registry.h) and never names a channel itself.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "routerd/channel_options.h"
#include "routerd/status.h"
#include "routerd/webhook.h"

namespace routerd {

class ChannelAdapter {
 public:
  virtual ~ChannelAdapter() = default;
  // Thread-safe: called concurrently from I/O threads; must not block.
  virtual WebhookOutcome Handle(const WebhookRequest& request) const = 0;
};

using ChannelAdapterPtr = std::shared_ptr<const ChannelAdapter>;

// Identity of the channel instance an adapter serves.
struct ChannelIdentity {
  std::string tenant_id;
  std::string channel_id;
  std::string kind;
};

class ChannelAdapterFactory {
 public:
  virtual ~ChannelAdapterFactory() = default;
  // The `kind` value in configuration and the {kind} segment of webhook URLs.
  virtual std::string_view Kind() const = 0;
  // Validates the channel's own keys (reading each through `options`, which
  // remembers what was read so that unknown keys are reported) and builds the
  // adapter. Errors come from ChannelOptions::Error so they carry the line.
  virtual StatusOr<ChannelAdapterPtr> Create(const ChannelIdentity& identity,
                                             ChannelOptions& options) const = 0;
};

}  // namespace routerd
