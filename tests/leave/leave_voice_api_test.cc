// The voice file of a message through the REST API: playback and download
// are different history actions, a failed access is recorded as failed, a
// missing file is 404, and single byte ranges are served as 206. On SQLite
// and on PostgreSQL: the stored audio is altered or removed behind the
// store's back where each backend keeps it (a file under the data directory,
// a row of leave_voice_files).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/storage/sqlite/attachment_files.h"
#include "tests/leave/leave_api_fixture.h"

namespace routerd::leave {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LeaveApiTest;
using testing::Result;
using Field = boost::beast::http::field;

using testing::Str;

class LeaveVoiceApiTest : public LeaveApiTest {
 protected:
  void SetUp() override {
    LeaveApiTest::SetUp();
    for (int i = 0; i < 100; ++i) audio_.push_back(static_cast<char>(i * 13 % 256));
    VoiceMessage v;
    v.tenant_id = "t";
    v.contact_number = "+8613800000000";
    v.skill_queue = "vq";
    v.audio = audio_;
    v.mime = "audio/wav";
    v.file_name = "m.wav";
    StatusOr<StoredLeaveMessage> m = store_->CreateVoice(v, Actor{"ivr", {}});
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    id_ = m->id;
    ref_ = m->attachment_ref;
  }

  // SQLite: voice/<id>.<ext> under the data directory.
  std::string VoiceFile() const { return (std::filesystem::path(where_.data_dir()) / ref_).string(); }
  // Replaces the stored audio with `bytes` (plain ASCII), behind the store's back.
  void TamperWithVoice(const std::string& bytes) {
    if (where_.postgresql()) {
      StatusOr<std::string> out = where_.Psql("UPDATE leave_voice_files SET bytes = '" + bytes +
                                              "'::bytea WHERE message_id = " + Str(id_) + " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, Str(id_)) << "one row altered";
    } else {
      ASSERT_TRUE(std::filesystem::exists(VoiceFile())) << VoiceFile();
      { std::ofstream(VoiceFile(), std::ios::binary | std::ios::trunc) << bytes; }
      ASSERT_EQ(storage::testing::ReadAll(VoiceFile()), bytes);
    }
  }
  // Removes the stored audio.
  void DeleteVoice() {
    if (where_.postgresql()) {
      StatusOr<std::string> out =
          where_.Psql("DELETE FROM leave_voice_files WHERE message_id = " + Str(id_) + " RETURNING message_id");
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(*out, Str(id_)) << "one row removed";
    } else {
      ASSERT_TRUE(std::filesystem::remove(VoiceFile())) << VoiceFile();
    }
  }
  // Where a backend says the missing audio should have been.
  std::string KeptIn() const { return where_.postgresql() ? "database" : "data directory"; }

  Result GetRange(const std::string& target, const std::string& range) {
    http::HttpRequest req{boost::beast::http::verb::get, target, 11};
    req.set(Field::range, range);
    return Handle(std::move(req), Admin());
  }

  Result Handle(http::HttpRequest req, const gateway::Principal& who) {
    std::string target(req.target());
    std::string_view path(target);
    path.remove_prefix(std::string_view("/api/v1/messages").size());
    auto promise = std::make_shared<std::promise<http::HttpResponse>>();
    std::optional<http::HttpResponse> now = api_->Handle(req, path, who, [&]() -> LeaveMessageApi::Reply {
      return [promise](http::HttpResponse r) { promise->set_value(std::move(r)); };
    });
    Result out;
    out.response = now ? std::move(*now) : promise->get_future().get();
    return out;
  }

  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    const std::vector<LeaveHistoryEntry> history = store_->History("t", id_).value();
    for (const LeaveHistoryEntry& h : history) out.push_back(h.actor + ":" + h.action);
    return out;
  }

  std::string audio_;
  std::int64_t id_ = 0;
  std::string ref_;
};

INSTANTIATE_TEST_SUITE_P(Backends, LeaveVoiceApiTest, storage::testing::SqliteAndPostgres(),
                         storage::testing::BackendTestName);

TEST_P(LeaveVoiceApiTest, PlayAndDownloadAreDifferentHistoryActions) {
  auto play = Get("/api/v1/messages/" + Str(id_) + "/play", Admin());
  ASSERT_EQ(play.status(), 200) << play.body();
  EXPECT_EQ(play.body(), audio_);
  EXPECT_EQ(play.response[Field::content_type], "audio/wav");
  EXPECT_EQ(play.response[Field::content_disposition], "inline; filename=\"leave-message-" + Str(id_) + ".wav\"");
  EXPECT_EQ(play.response[Field::accept_ranges], "bytes");
  auto download = Get("/api/v1/messages/" + Str(id_) + "/download", Admin());
  ASSERT_EQ(download.status(), 200) << download.body();
  EXPECT_EQ(download.body(), audio_);
  EXPECT_EQ(download.response[Field::content_disposition],
            "attachment; filename=\"leave-message-" + Str(id_) + ".wav\"");
  EXPECT_THAT(Actions(), ElementsAre("ivr:create", "ivr-admin:play", "ivr-admin:download"));
  EXPECT_EQ(store_->History("t", id_)->back().detail, ref_);
}

TEST_P(LeaveVoiceApiTest, AMissingFileIs404AndRecordedAsFailed) {
  ASSERT_NO_FATAL_FAILURE(DeleteVoice());
  auto download = Get("/api/v1/messages/" + Str(id_) + "/download", Admin());
  EXPECT_EQ(download.status(), 404);
  EXPECT_EQ(Field(download.body(), "detail"), "the file " + ref_ + " is missing from the " + KeptIn());
  auto play = Get("/api/v1/messages/" + Str(id_) + "/play", Admin());
  EXPECT_EQ(play.status(), 404);
  EXPECT_THAT(Actions(), ElementsAre("ivr:create", "ivr-admin:download_failed", "ivr-admin:play_failed"));
  EXPECT_EQ(store_->History("t", id_)->back().detail,
            "NotFound: the file " + ref_ + " is missing from the " + KeptIn());
}

TEST_P(LeaveVoiceApiTest, AnAlteredFileIsRefusedAndRecordedAsFailed) {
  ASSERT_NO_FATAL_FAILURE(TamperWithVoice("not the recorded audio"));
  auto download = Get("/api/v1/messages/" + Str(id_) + "/download", Admin());
  EXPECT_EQ(download.status(), 500);
  EXPECT_EQ(download.body().find(audio_), std::string::npos);
  EXPECT_THAT(Actions(), ElementsAre("ivr:create", "ivr-admin:download_failed"));
  EXPECT_THAT(store_->History("t", id_)->back().detail, HasSubstr("does not match its recorded checksum"));
}

TEST_P(LeaveVoiceApiTest, SingleByteRangesAre206) {
  const std::string target = "/api/v1/messages/" + Str(id_) + "/download";
  auto first = GetRange(target, "bytes=0-9");
  ASSERT_EQ(first.status(), 206) << first.body();
  EXPECT_EQ(first.body(), audio_.substr(0, 10));
  EXPECT_EQ(first.response[Field::content_range], "bytes 0-9/100");
  auto open_ended = GetRange(target, "bytes=90-");
  ASSERT_EQ(open_ended.status(), 206);
  EXPECT_EQ(open_ended.body(), audio_.substr(90));
  EXPECT_EQ(open_ended.response[Field::content_range], "bytes 90-99/100");
  auto suffix = GetRange(target, "bytes=-5");
  ASSERT_EQ(suffix.status(), 206);
  EXPECT_EQ(suffix.body(), audio_.substr(95));
  auto past_end = GetRange(target, "bytes=40-1000");
  ASSERT_EQ(past_end.status(), 206);
  EXPECT_EQ(past_end.response[Field::content_range], "bytes 40-99/100");
  // Several ranges, or a malformed one: the whole file.
  auto several = GetRange(target, "bytes=0-1,5-6");
  EXPECT_EQ(several.status(), 200);
  EXPECT_EQ(several.body(), audio_);
  EXPECT_EQ(GetRange(target, "bytes=9-3").status(), 200);
  EXPECT_EQ(GetRange(target, "lines=1-2").status(), 200);
  auto beyond = GetRange(target, "bytes=100-");
  EXPECT_EQ(beyond.status(), 416);
  EXPECT_EQ(beyond.response[Field::content_range], "bytes */100");
  // Each request is in the history, a partial one with its range.
  std::vector<LeaveHistoryEntry> h = store_->History("t", id_).value();
  ASSERT_EQ(h.size(), 1u + 8u);
  EXPECT_EQ(h[1].detail, ref_ + " bytes 0-9/100");
  EXPECT_EQ(h[5].action, "download");
  EXPECT_EQ(h[5].detail, ref_);
  EXPECT_EQ(h[8].action, "download_failed");
}

TEST_P(LeaveVoiceApiTest, PlayIsForVoiceMessagesAndNeedsTheDownloadRight) {
  const std::int64_t web = Create("v-1", testing::kT0);
  auto r = Get("/api/v1/messages/" + Str(web) + "/play", Admin());
  EXPECT_EQ(r.status(), 409);
  EXPECT_EQ(Field(r.body(), "detail"), "message " + Str(web) + " has no voice file to play (channel type web)");
  EXPECT_EQ(Post("/api/v1/messages/" + Str(id_) + "/play", Admin()).status(), 405);
  config_.tenants[0].permissions.tenant_admin &= ~config::LeavePermissions::Bit(config::LeaveOperation::kDownload);
  auto refused = Get("/api/v1/messages/" + Str(id_) + "/play", Admin());
  EXPECT_EQ(refused.status(), 403);
  EXPECT_EQ(Field(refused.body(), "detail"), "tenant_admin tokens of this tenant lack the 'download' permission");
  // Another agent's message: refused and not recorded.
  ASSERT_TRUE(store_->Allocate("t", id_, "v1", "acct-v1", Actor{"x", {}}).ok());
  EXPECT_EQ(Get("/api/v1/messages/" + Str(id_) + "/play", AgentP("x1")).status(), 403);
  EXPECT_EQ(Get("/api/v1/messages/" + Str(id_) + "/play", AgentP("v1")).status(), 200);
  EXPECT_THAT(Actions(), ElementsAre("ivr:create", "x:allocate", "agent:v1:play"));
}

}  // namespace
}  // namespace routerd::leave
