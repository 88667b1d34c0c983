// Console: the web console the daemon serves itself (issue 7): the
// leave-message page and the live wallboard, from static assets built into the
// binary, plus the wallboard's push feed.
//
// Routes (everything under "/console", and "/" which redirects there).
//
// Thread safety: Handle from any I/O thread; feed() is called on shard threads.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "engine/config/config.h"
#include "engine/gateway/auth.h"
#include "engine/http/request_handler.h"
#include "engine/routing/routing_events.h"
#include "engine/shard/shard_set.h"
#include "routerd/clock.h"

namespace routerd::console {

class Console {
 public:
  // Every argument must outlive the console.
  Console(const config::Config& config, shard::ShardSet& shards, const gateway::Authenticator& auth,
          const Clock& clock);
  ~Console();
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Added to the daemon's routing-event fan-out before the shards start.
  routing::RoutingEventSink* feed();
  // After the shards have started / before they stop.
  void Start();
  void Stop();

  // `path` is the whole path: "/" or "/console...".
  std::optional<http::HttpResponse> Handle(http::HttpRequest& request, std::string_view path,
                                           http::RequestContext& ctx);

 private:
  class Feed;
  const config::Config& config_;
  shard::ShardSet& shards_;
  const gateway::Authenticator& auth_;
  const Clock& clock_;
  std::unique_ptr<Feed> feed_;
};

}  // namespace routerd::console
