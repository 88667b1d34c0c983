#include "engine/http/io_thread.h"

namespace routerd::http {
namespace {
thread_local int t_io_thread_index = -1;
}  // namespace

int CurrentIoThreadIndex() { return t_io_thread_index; }
void SetCurrentIoThreadIndex(int index) { t_io_thread_index = index; }

}  // namespace routerd::http
