#include "notify/smtp_mailer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "notify/log_mailer.h"

namespace gh::notify {
namespace {

TEST(SmtpMailer, ComposesMultipartWithEncodedHeaders) {
  SmtpOptions o;
  o.host = "localhost";
  o.sender = "no-reply@example.com";
  o.sender_name = "Ex\"ample";
  SmtpMailer mailer(o);
  MailMessage m{"a@example.com", "Grüße\r\nBcc: x@y", "text body", "<p>html</p>", "test"};
  std::string raw = mailer.Compose(m, "BOUND", "id@example.com", "Mon, 1 Jan 2024 00:00:00 +0000");
  EXPECT_NE(raw.find("From: \"Ex\\\"ample\" <no-reply@example.com>\r\n"), std::string::npos);
  EXPECT_NE(raw.find("To: <a@example.com>\r\n"), std::string::npos);
  EXPECT_NE(raw.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(raw.find("Bcc:"), std::string::npos);
  EXPECT_NE(raw.find("multipart/alternative; boundary=\"BOUND\""), std::string::npos);
  EXPECT_NE(raw.find("--BOUND--\r\n"), std::string::npos);
  EXPECT_NE(raw.find("dGV4dCBib2R5"), std::string::npos);  // base64("text body")
}

TEST(SmtpMailer, EncodeHeaderValueKeepsAsciiAndFlattensLines) {
  EXPECT_EQ(EncodeHeaderValue("Hello"), "Hello");
  EXPECT_EQ(EncodeHeaderValue("a\r\nb"), "a  b");
  EXPECT_EQ(EncodeHeaderValue("é"), "=?UTF-8?B?w6k=?=");
}

TEST(SmtpMailer, UnreachableServerFailsCleanlyAfterRetries) {
  SmtpOptions o;
  o.host = "127.0.0.1";
  o.port = 1;  // nothing listens there
  o.security = "none";
  o.timeout_seconds = 2;
  o.retries = 1;
  o.backoff_millis = 10;
  SmtpMailer mailer(o);
  auto start = std::chrono::steady_clock::now();
  auto r = mailer.Send({"a@example.com", "s", "t", "", "test"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kUnavailable);
  EXPECT_GT(r.error().retry_after_seconds, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(LogMailer, AlwaysSucceeds) {
  LogMailer m;
  EXPECT_TRUE(m.Send({"a@example.com", "s", "t", "h", "test"}).ok());
}

}  // namespace
}  // namespace gh::notify
