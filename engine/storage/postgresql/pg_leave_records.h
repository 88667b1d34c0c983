// PostgreSQL write records of leave-message management: creating a message
// (from the router, a web leave_message event or an IVR voice upload) and the
// transitions. They run their own statements inside the savepoint the writer
// opens for them (not rows_only), after the rows gathered before them, so a
// failure undoes only their own writes. Submit them to the tenant's PgWriter.
//
// Thread safety: as PgRecord.
#pragma once

#include <optional>

#include "engine/leave/leave_repository.h"
#include "engine/storage/leave_common.h"
#include "engine/storage/postgresql/pg_writer.h"

namespace routerd::storage {

// The message gets the next id of the identity column. A voice upload's audio
// goes into leave_voice_files in the same transaction, so that every instance
// serves it; attachment_ref still reads "voice/<id>.<ext>", its download
// name. Also records that the message keeps its contacts (kKept: not pending
// after a restart) and ends the session that became the message (kEnded).
// `done` may be empty.
PgRecordPtr MakePgLeaveCreateRecord(leave::LeaveMessage message, std::optional<VoiceFile> voice, leave::Actor actor,
                                    leave::LeaveRepository::Done done);
// The stored status is read with its row locked (FOR UPDATE) and checked
// there, so that two concurrent transitions, of this instance or another,
// cannot both pass. REQUIRES: `done`.
PgRecordPtr MakePgLeaveTransitionRecord(leave::LeaveTransition transition, leave::Actor actor,
                                        leave::LeaveRepository::Done done);

}  // namespace routerd::storage
