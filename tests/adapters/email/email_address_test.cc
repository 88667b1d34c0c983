#include "email/email_address.h"

#include <gtest/gtest.h>

namespace routerd::adapters::email {
namespace {

void ExpectMailbox(std::string_view value, std::string_view name, std::string_view address) {
  auto mailbox = ParseMailbox(value);
  ASSERT_TRUE(mailbox.ok()) << value << ": " << mailbox.status().ToString();
  EXPECT_EQ(mailbox->display_name, name) << value;
  EXPECT_EQ(mailbox->address, address) << value;
}

TEST(ParseMailboxTest, CommonShapes) {
  ExpectMailbox("Alice Example <Alice@Example.COM>", "Alice Example", "alice@example.com");
  ExpectMailbox("<bob@example.org>", "", "bob@example.org");
  ExpectMailbox("  bob@example.org  ", "", "bob@example.org");
  ExpectMailbox("bob@example.org (Bob at work)", "", "bob@example.org");
  ExpectMailbox("\"Lee, Dana\" <dana.lee@example.com>", "Lee, Dana", "dana.lee@example.com");
  ExpectMailbox("\"Bob \\\"The Builder\\\" M\xC3\xBCller\" <bob@example.org>", "Bob \"The Builder\" M\xC3\xBCller",
                "bob@example.org");
  ExpectMailbox("M\xC3\xBCller <m+tag@sub.example.de>", "M\xC3\xBCller", "m+tag@sub.example.de");
  ExpectMailbox("first@example.com, second@example.com", "", "first@example.com");
  ExpectMailbox("A <a@example.com>, B <b@example.com>", "A", "a@example.com");
}

TEST(ParseMailboxTest, RejectsWhatIsNotAnAddress) {
  for (const char* value : {"", "   ", "Alice", "Alice <>", "Alice <alice>", "<@example.com>", "<alice@>",
                            "Alice <alice@example.com", "\"unterminated <a@b.c>", "a b@example.com",
                            "alice@@example.com", "a@b@c", "Alice <a<b@example.com>"}) {
    EXPECT_FALSE(ParseMailbox(value).ok()) << value;
  }
}

}  // namespace
}  // namespace routerd::adapters::email
