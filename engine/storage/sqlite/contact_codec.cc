#include "engine/storage/sqlite/contact_codec.h"

#include <charconv>

namespace routerd::storage {
namespace {

void Field(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out.push_back(':');
  out.append(value);
}

bool NextField(std::string_view& in, std::string_view& value) {
  std::size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(in.data(), in.data() + colon, n);
  if (ec != std::errc() || ptr != in.data() + colon || n > in.size() - colon - 1) return false;
  value = in.substr(colon + 1, n);
  in.remove_prefix(colon + 1 + n);
  return true;
}

}  // namespace

std::string EncodeAttachments(const std::vector<AttachmentRef>& attachments) {
  std::string out;
  for (const AttachmentRef& a : attachments) {
    Field(out, a.type);
    Field(out, a.reference);
    Field(out, a.mime);
    Field(out, a.size_bytes ? std::to_string(*a.size_bytes) : std::string());
    Field(out, a.name);
  }
  return out;
}

StatusOr<std::vector<AttachmentRef>> DecodeAttachments(std::string_view in) {
  std::vector<AttachmentRef> out;
  while (!in.empty()) {
    std::string_view f[5];
    for (auto& v : f) {
      if (!NextField(in, v)) return Status::DataLoss("stored contact attachments are malformed");
    }
    AttachmentRef a{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::nullopt, std::string(f[4])};
    if (!f[3].empty()) {
      std::uint64_t size = 0;
      auto [ptr, ec] = std::from_chars(f[3].data(), f[3].data() + f[3].size(), size);
      if (ec != std::errc() || ptr != f[3].data() + f[3].size()) {
        return Status::DataLoss("stored contact attachment size is malformed");
      }
      a.size_bytes = size;
    }
    out.push_back(std::move(a));
  }
  return out;
}

void BindAttachments(Statement& st, int index, const std::vector<AttachmentRef>& attachments) {
  if (attachments.empty()) {
    st.BindNull(index);
  } else {
    st.Bind(index, EncodeAttachments(attachments));
  }
}

}  // namespace routerd::storage
