#include "common/responses.h"

#include <utility>

#include "common/json.h"

namespace routerd::adapters {

WebhookOutcome Reject(int http_status, WebhookRejection why, std::string_view error,
                      std::string_view detail) {
  WebhookOutcome outcome;
  outcome.rejection = why;
  outcome.response.status = http_status;
  outcome.response.content_type = "application/json";
  std::string& body = outcome.response.body;
  body.reserve(24 + error.size() + detail.size());
  body.append("{\"error\":");
  AppendJsonString(body, error);
  body.append(",\"detail\":");
  AppendJsonString(body, detail);
  body.push_back('}');
  return outcome;
}

WebhookResponse OkText(std::string body) {
  WebhookResponse response;
  response.status = 200;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

WebhookResponse OkJson(std::string body) {
  WebhookResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

}  // namespace routerd::adapters
