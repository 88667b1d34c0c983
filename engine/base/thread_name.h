// Names the calling thread, so `top -H`, `perf report --sort comm` and
// debuggers show which part of the daemon a thread is (Linux keeps 15
// characters).
#pragma once

#include <pthread.h>

#include <string>

namespace routerd {

inline void SetThreadName(const std::string& name) {
  ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace routerd
