// RequestHandler: request in, response out, no sockets. The HTTP session calls
// it on an I/O thread for every complete request.
//
// Thread safety: Handle is called concurrently from all I/O threads and must
// not block.
#pragma once

#include "engine/http/http_message.h"

namespace routerd::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
};

}  // namespace routerd::http
