#include "engine/storage/sqlite/contact_codec.h"

namespace routerd::storage {

void BindAttachments(Statement& st, int index, const std::vector<AttachmentRef>& attachments) {
  if (attachments.empty()) {
    st.BindNull(index);
  } else {
    st.Bind(index, EncodeAttachments(attachments));
  }
}

}  // namespace routerd::storage
