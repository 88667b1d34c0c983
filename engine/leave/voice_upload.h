// The rules for an IVR's voice upload and for serving the file back: which
// media types are audio (anything else is refused at upload and never served
// as such: a stored "text/html" must not reach a browser as a page, and a type
// of any length or with line breaks must not reach a response header), and the
// text fields' shape.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "routerd/status.h"

namespace routerd::leave {

// The media type to store for an uploaded file part: its Content-Type reduced
// to "type/subtype" in lower case (parameters dropped), which must be one of
// the audio types routerd serves; an empty type or application/octet-stream
// takes the type of the file name's extension. InvalidArgument naming the
// field otherwise.
StatusOr<std::string> VoiceMediaType(std::string_view content_type, std::string_view file_name);

// The Content-Type to serve a stored voice file with: the stored type when it
// is one of the audio types, else the type of the file's extension, else
// application/octet-stream.
std::string ServedVoiceMediaType(std::string_view stored_type, std::string_view file_ref);

// The extension of a stored file reference ("voice/12.wav" -> "wav"), "bin"
// when it has none.
std::string FileExtension(std::string_view ref);

// A text field of the upload: valid UTF-8, no control characters, at most
// `max_bytes`. InvalidArgument naming `field` otherwise.
Status ValidateVoiceText(std::string_view field, std::string_view value, std::size_t max_bytes);

}  // namespace routerd::leave
