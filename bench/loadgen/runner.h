// Runner: one routerd-loadgen run. It connects the simulated agents and the
// HTTP connections, sends the traffic on the open- or closed-loop schedule,
// matches agent frames to the webhooks that caused them, drains, and builds
// the RunReport. EmitRequests() writes signed requests for wrk instead.
//
// Open loop: request i is due at start + i / rate. Due requests go out as
// connections free up; one that waits keeps its intended time, so a stall of
// the daemon shows in the latency of every request scheduled during it
// (no coordinated omission). Closed loop: each connection sends its next
// request as soon as the previous one is answered.
//
// Thread safety: Run() owns one io_context and runs it on the calling thread.
#pragma once

#include "bench/loadgen/options.h"
#include "bench/loadgen/report.h"
#include "bench/loadgen/routerd_config.h"
#include "routerd/status.h"

namespace routerd::loadgen {

// Runs the load described by `options` against the daemon of `config`.
StatusOr<RunReport> RunLoad(const LoadOptions& options, RouterdConfig config);

// Writes options.emit_count signed requests (messages, and receipts when
// asked) for bench/loadgen/cycle_requests.lua: each record is "<length>\n"
// followed by the raw HTTP request. Returns the number of bytes written.
StatusOr<std::uint64_t> EmitRequests(const LoadOptions& options, const RouterdConfig& config);

// "host:port" of the daemon: --target, else [server].listen with a wildcard
// host replaced by the loopback address.
std::string TargetAddress(const LoadOptions& options, const RouterdConfig& config);

}  // namespace routerd::loadgen
