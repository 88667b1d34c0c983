// Which HTTP I/O thread the caller runs on, so per-thread resources (router
// producer tokens) can be picked without locks.
#pragma once

namespace routerd::http {

// 0..io_threads-1 on the server's I/O threads, -1 elsewhere.
int CurrentIoThreadIndex();
void SetCurrentIoThreadIndex(int index);

}  // namespace routerd::http
