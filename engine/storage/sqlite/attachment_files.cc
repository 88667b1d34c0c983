#include "engine/storage/sqlite/attachment_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace routerd::storage {
namespace {

namespace fs = std::filesystem;

Status Errno(std::string_view what, const std::string& path) {
  return Status::Unavailable(std::string(what) + " " + path + ": " + std::strerror(errno));
}

Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Errno("cannot fsync", path);
  return Status::Ok();
}

}  // namespace

Status WriteFileDurably(const std::string& data_dir, const std::string& relative_path, std::string_view bytes) {
  fs::path path = fs::path(data_dir) / relative_path;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("cannot create", tmp);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status s = Errno("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename to", path.string());
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself is durable only once the directory is synced.
  return FsyncPath(path.parent_path().string(), O_RDONLY | O_DIRECTORY);
}

StatusOr<std::string> ReadFileVerified(const std::string& data_dir, const std::string& relative_path,
                                       std::string_view sha256_hex) {
  std::string path = (fs::path(data_dir) / relative_path).string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // Missing is not corruption: the file was removed (or the data directory
    // is not the one that stored it), and the caller says so as "not found".
    if (errno == ENOENT) {
      return Status::NotFound("the file " + relative_path + " is missing from the data directory");
    }
    return Errno("cannot open", path);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = Errno("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  std::string actual = Sha256Hex(out);
  if (actual != sha256_hex) {
    return Status::DataLoss("the file " + relative_path + " does not match its recorded checksum (sha256 " + actual +
                            ", expected " + std::string(sha256_hex) + ")");
  }
  return out;
}

void RemoveFile(const std::string& data_dir, const std::string& relative_path) {
  std::error_code ec;
  fs::remove(fs::path(data_dir) / relative_path, ec);
}

}  // namespace routerd::storage
