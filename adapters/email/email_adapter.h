// The email channel adapter ("email"): Mailgun-compatible inbound routes.
//
// A Mailgun route with forward("https://<routerd>/webhooks/email/<channel>")
// POSTs each received email, parsed, as application/x-www-form-urlencoded (or
// multipart/form-data when it has attachments). Authenticity: the form fields
// timestamp, token and signature, where signature = hex HMAC-SHA256(signing
// key, timestamp + token), compared in constant time. Mailgun signs fields,
// not the body, so the form is split into fields first (bounded, strict) and
// verified before any field is interpreted. A missing, duplicated or wrong
// signature, or a timestamp more than timestamp_tolerance_seconds away from
// now, is answered 406, the one failure code that stops Mailgun's retries (a
// forged or stale post will not get better by retrying). A malformed body is
// 400, a wrong Content-Type 415, an accepted email 200 "OK". How fields become
// a Contact is described in email_payload.h.
//
// Configuration keys ([[tenants.channels]] with kind = "email"):
//   signing_key                  secret (or signing_key_env / signing_key_file), required:
//                                the account's HTTP webhook signing key
//   timestamp_tolerance_seconds  integer >= 0, default 300; 0 disables the check
//
// Thread safety: the adapter is immutable after Create(); Handle() may run
// concurrently on any number of threads.
#pragma once

#include <memory>

#include "routerd/adapter.h"

namespace routerd::adapters::email {

std::unique_ptr<routerd::ChannelAdapterFactory> MakeEmailAdapterFactory();

}  // namespace routerd::adapters::email
