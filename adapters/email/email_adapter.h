// The email channel adapter ("email"): Mailgun-compatible inbound routes.
//
// A Mailgun route with forward("https://<routerd>/webhooks/email/<channel>")
// POSTs each received email, parsed, as application/x-www-form-urlencoded (or
// multipart/form-data when it has attachments). Authenticity: the form fields
// timestamp, token and signature, where signature = hex HMAC-SHA256(signing
// key, timestamp + token), compared in constant time. Mailgun signs fields,
// not the body, so the form is split into fields first (bounded, strict) and
// verified before any field is interpreted. A missing, duplicated or wrong
// signature, a timestamp older than timestamp_tolerance_seconds or more than
// 5 minutes ahead, or a token already used for a different email is
// answered 406, the one failure code that stops Mailgun's retries (a forged
// or stale post will not get better by retrying). Mailgun retries with the
// original timestamp, token and signature for up to 8 hours, so the window
// follows that schedule and each token is remembered with what it delivered
// (common/replay_cache.h): the same email again is a retry, answered through
// the usual deduplication; other content with a used token is a replay. A
// malformed body is 400, a wrong Content-Type 415, an accepted email 200
// "OK". How fields become a Contact is described in email_payload.h.
//
// Configuration keys ([[tenants.channels]] with kind = "email"):
//   signing_key                  secret (or signing_key_env / signing_key_file), required:
//                                the account's HTTP webhook signing key
//   timestamp_tolerance_seconds  integer >= 0, default 30600 (8.5 h, Mailgun's
//                                retry horizon); 0 disables the check
//
// Thread safety: the adapter's settings are immutable after Create(), its
// token cache is internally locked; Handle() may run concurrently on any
// number of threads.
#pragma once

#include <memory>

#include "routerd/adapter.h"

namespace routerd::adapters::email {

std::unique_ptr<routerd::ChannelAdapterFactory> MakeEmailAdapterFactory();

}  // namespace routerd::adapters::email
