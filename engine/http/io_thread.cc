#include "engine/http/io_thread.h"

namespace routerd::http {
namespace {
thread_local int t_io_thread_index = -1;
thread_local boost::asio::io_context* t_io_context = nullptr;
}  // namespace

int CurrentIoThreadIndex() { return t_io_thread_index; }
boost::asio::io_context* CurrentIoContext() { return t_io_context; }
void SetCurrentIoThread(int index, boost::asio::io_context* io) {
  t_io_thread_index = index;
  t_io_context = io;
}

}  // namespace routerd::http
