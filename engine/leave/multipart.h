// A multipart/form-data body (RFC 7578) split into its fields, for the voice
// upload of an IVR (POST /api/v1/messages). Bodies are whole in memory (the
// HTTP server caps them at server.max_body_bytes).
//
// Thread safety: stateless.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "routerd/status.h"

namespace routerd::leave {

struct FormPart {
  std::string name;
  std::string file_name;     // empty for plain fields
  std::string content_type;  // empty when the part gives none
  std::string data;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type;
// InvalidArgument when the type is another or the boundary is missing.
StatusOr<std::string> MultipartBoundary(std::string_view content_type);

// The parts in order. InvalidArgument, saying what is wrong, for a body that
// does not follow the format (no closing boundary, a part without a name, ...).
StatusOr<std::vector<FormPart>> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace routerd::leave
