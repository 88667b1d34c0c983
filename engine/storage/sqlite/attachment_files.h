// Attachment files kept next to the database (voice messages posted by an
// IVR): written durably, named by the leave message id, checked by SHA-256
// when read back.
//
// Thread safety: stateless functions; two callers must not write one path.
#pragma once

#include <string>
#include <string_view>

#include "engine/storage/leave_common.h"  // Sha256Hex, AttachmentExtension
#include "routerd/status.h"

namespace routerd::storage {

// Writes <data_dir>/<relative_path> so that it survives a crash once this
// returns: a temporary file, fsync, rename over the name, fsync the directory.
// Creates the directory when missing. Overwrites an existing file.
Status WriteFileDurably(const std::string& data_dir, const std::string& relative_path, std::string_view bytes);

// Reads <data_dir>/<relative_path>; NotFound when it does not exist, DataLoss
// when its SHA-256 is not `sha256_hex`. Messages name the relative path only.
StatusOr<std::string> ReadFileVerified(const std::string& data_dir, const std::string& relative_path,
                                       std::string_view sha256_hex);

// Removes the file if it exists (undo of a write whose record did not commit).
void RemoveFile(const std::string& data_dir, const std::string& relative_path);

}  // namespace routerd::storage
