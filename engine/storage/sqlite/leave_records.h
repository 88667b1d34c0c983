// Journal records of leave-message management: creating a message (from the
// router, a web leave_message event or an IVR voice upload) and the
// transitions, each checked against the stored status on the partition's
// writer thread inside the batch transaction.
//
// Thread safety: as JournalRecord.
#pragma once

#include <optional>
#include <string>

#include "engine/leave/leave_repository.h"
#include "engine/storage/leave_common.h"
#include "engine/storage/sqlite/journal_writer.h"

namespace routerd::storage {

// A voice upload's file (VoiceFile) is written durably by the writer before the
// commit that records it (voice/<id>.<ext>; ids are unique across partitions).
// Also records that the message keeps its contacts (not pending after a
// restart) and ends the session that became the message.
JournalRecordPtr MakeLeaveCreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, leave::Actor actor,
                                       leave::LeaveRepository::Done done);
JournalRecordPtr MakeLeaveTransitionRecord(leave::LeaveTransition transition, leave::Actor actor,
                                           leave::LeaveRepository::Done done);

}  // namespace routerd::storage
