// The bytes of a file of tests/fixtures/, for the adapter benchmarks. The
// directory comes from the build (ROUTERD_FIXTURES_DIR), not from __FILE__,
// which compiler caches may rewrite to a relative path.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace routerd::adapters::bench {

// tests/fixtures/<kind>/<name>; exits with a message naming the path when it cannot be read.
inline std::string ReadFixture(const std::string& kind, const std::string& name) {
  const std::string path = std::string(ROUTERD_FIXTURES_DIR) + "/" + kind + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    std::exit(1);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace routerd::adapters::bench
