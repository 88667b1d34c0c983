// Email adapter throughput: the full Handle() (form decoding, Mailgun
// signature check, normalization) per inbound email, on the fixtures and on a
// multipart post carrying a 256 KiB attachment.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/adapters/fixture.h"
#include "email/email_adapter.h"
#include "email/email_signature.h"
#include "routerd/channel_options.h"

namespace {

using routerd::ChannelAdapterPtr;

constexpr char kSigningKey[] = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";

std::string ReadFixture(const std::string& name) { return routerd::adapters::bench::ReadFixture("email", name); }

const routerd::ChannelAdapter& Adapter() {
  static const ChannelAdapterPtr adapter = [] {
    routerd::ChannelOptions options("bench.toml", 1, "bench");
    options.Set("signing_key", std::string(kSigningKey), 2);
    options.Set("timestamp_tolerance_seconds", std::int64_t{0}, 3);  // fixtures have old timestamps
    auto created = routerd::adapters::email::MakeEmailAdapterFactory()->Create({"tenant", "mail", "email"}, options);
    return created.ok() ? *created : nullptr;
  }();
  return *adapter;
}

void Run(benchmark::State& state, const std::string& content_type, const std::string& body) {
  routerd::WebhookRequest request;
  request.method = "POST";
  request.content_type = content_type;
  request.body = body;
  request.now_unix_ms = 1714037200000;
  if (Adapter().Handle(request).contacts.size() != 1) {
    state.SkipWithError("fixture email was not accepted");
    return;
  }
  for (auto _ : state) {
    routerd::WebhookOutcome outcome = Adapter().Handle(request);
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}

std::string BoundaryContentType(const std::string& body) {
  return "multipart/form-data; boundary=" + body.substr(2, body.find("\r\n") - 2);
}

void BM_EmailUrlEncoded(benchmark::State& state) {
  static const std::string body = ReadFixture("urlencoded_text.txt");
  Run(state, "application/x-www-form-urlencoded", body);
}
BENCHMARK(BM_EmailUrlEncoded);

void BM_EmailMultipartFixture(benchmark::State& state) {
  static const std::string body = ReadFixture("multipart_attachments.txt");
  Run(state, BoundaryContentType(body), body);
}
BENCHMARK(BM_EmailMultipartFixture);

// A photo-sized attachment: the cost is dominated by scanning for the boundary.
void BM_EmailMultipart256KiBAttachment(benchmark::State& state) {
  static const std::string body = [] {
    const std::string boundary = "----mailgun-bench-0123456789";
    const std::string ts = "1714037200";
    const std::string token = "e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5";
    std::string out;
    auto field = [&](const std::string& name, const std::string& value) {
      out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    };
    field("from", "Dana Lee <dana.lee@example.com>");
    field("subject", "Photo");
    field("body-plain", "See the attached photo.");
    field("Message-Id", "<bench-1@example.com>");
    out += "--" + boundary +
           "\r\nContent-Disposition: form-data; name=\"attachment-1\"; filename=\"photo.jpg\"\r\n"
           "Content-Type: image/jpeg\r\n\r\n";
    for (int i = 0; i < 256 * 1024; ++i) out.push_back(static_cast<char>((i * 131) & 0xff));
    out += "\r\n";
    field("timestamp", ts);
    field("token", token);
    field("signature", routerd::adapters::email::MailgunSignature(kSigningKey, ts, token));
    out += "--" + boundary + "--\r\n";
    return out;
  }();
  Run(state, BoundaryContentType(body), body);
}
BENCHMARK(BM_EmailMultipart256KiBAttachment);

}  // namespace

BENCHMARK_MAIN();
