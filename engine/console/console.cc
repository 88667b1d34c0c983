#include "engine/console/console.h"

#include <boost/beast/http/field.hpp>

namespace routerd::console {

class Console::Feed final : public routing::RoutingEventSink {
 public:
  void OnRoutingEvents(std::span<routing::RoutingEvent>) override {}
};

Console::Console(const config::Config& config, shard::ShardSet& shards, const gateway::Authenticator& auth,
                 const Clock& clock)
    : config_(config), shards_(shards), auth_(auth), clock_(clock), feed_(std::make_unique<Feed>()) {}

Console::~Console() = default;

routing::RoutingEventSink* Console::feed() { return feed_.get(); }

void Console::Start() {}
void Console::Stop() {}

std::optional<http::HttpResponse> Console::Handle(http::HttpRequest&, std::string_view path, http::RequestContext&) {
  if (path == "/") {
    http::HttpResponse res = http::TextResponse(http::HttpStatus::found, "", "text/plain");
    res.set(boost::beast::http::field::location, "/console/");
    return res;
  }
  return http::JsonError(http::HttpStatus::not_found, "not_found", "no such console page");
}

}  // namespace routerd::console
