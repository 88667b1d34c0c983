// Which HTTP I/O thread the caller runs on, so per-thread resources (router
// producer tokens) can be picked without locks.
#pragma once

#include <boost/asio/io_context.hpp>

namespace routerd::http {

// 0..io_threads-1 on the server's I/O threads, -1 elsewhere.
int CurrentIoThreadIndex();
// The io_context the current I/O thread runs (each has its own); nullptr elsewhere.
boost::asio::io_context* CurrentIoContext();
void SetCurrentIoThread(int index, boost::asio::io_context* io);

}  // namespace routerd::http
