#include "common/parsed_batch.h"

#include <utility>

namespace routerd::adapters {
namespace {

void Stamp(std::vector<Contact>& contacts, const ChannelIdentity& identity, std::string_view kind,
           std::int64_t received_at_ms) {
  for (Contact& c : contacts) {
    c.tenant_id = identity.tenant_id;
    c.channel_kind = kind;
    c.channel_id = identity.channel_id;
    c.received_at_ms = received_at_ms;
  }
}

}  // namespace

WebhookOutcome Accept(ParsedBatch batch, const ChannelIdentity& identity, std::string_view kind,
                      std::int64_t received_at_ms, WebhookResponse response) {
  WebhookOutcome outcome;
  outcome.response = std::move(response);
  outcome.contacts = std::move(batch.contacts);
  outcome.leave_messages = std::move(batch.leave_messages);
  outcome.ignored = std::move(batch.ignored);
  Stamp(outcome.contacts, identity, kind, received_at_ms);
  Stamp(outcome.leave_messages, identity, kind, received_at_ms);
  return outcome;
}

}  // namespace routerd::adapters
