// Each SMS provider against a loopback fake of its real API: the fake checks
// what the real API checks (path, auth, fields) and answers with the real API's
// success and error bodies.
#include <gtest/gtest.h>

#include <chrono>

#include "crypto/hash.h"
#include "notify/fake_http_server.h"
#include "notify/sms/sms_sender.h"

namespace gh::notify {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

std::string Basic(const std::string& user, const std::string& pass) {
  return "Basic " + crypto::Base64Encode(user + ":" + pass);
}

std::unique_ptr<SmsSender> Make(SmsProviderSettings s) {
  auto r = MakeSmsSender(s);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return std::move(*r);
}

// --- Twilio Messages

FakeResponse TwilioMessages(const FakeRequest& r) {
  if (r.path != "/2010-04-01/Accounts/AC123/Messages.json" || r.method != "POST")
    return {404,
            R"({"code": 20404, "message": "The requested resource was not found", "status": 404})"};
  if (r.headers.count("authorization") == 0 ||
      r.headers.at("authorization") != Basic("AC123", "secret-token"))
    return {
        401,
        R"({"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})"};
  auto f = r.Form();
  if (f["To"] == "+15005550001" || f["To"] == "whatsapp:+15005550001")
    return {
        400,
        R"({"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})"};
  if (f["Body"].empty() || (f["From"].empty() && f["MessagingServiceSid"].empty()))
    return {400, R"({"code": 21602, "message": "Message body is required.", "status": 400})"};
  return {201, R"({"sid": "SM0123", "status": "queued", "to": ")" + f["To"] +
                   R"(", "error_code": null})"};
}

TEST(TwilioSender, SendsFormWithBasicAuth) {
  FakeHttpServer fake(TwilioMessages);
  auto sender = Make({"twilio", "AC123", "secret-token", "+15017122661", "", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+14155552671", "123456 is your code", SmsChannel::kSms).ok());
  auto reqs = fake.requests();
  ASSERT_EQ(reqs.size(), 1u);
  auto f = reqs[0].Form();
  EXPECT_EQ(f["To"], "+14155552671");
  EXPECT_EQ(f["From"], "+15017122661");
  EXPECT_EQ(f["Body"], "123456 is your code");
  EXPECT_EQ(reqs[0].headers["content-type"], "application/x-www-form-urlencoded");
}

TEST(TwilioSender, WhatsAppPrefixesBothNumbers) {
  FakeHttpServer fake(TwilioMessages);
  auto sender =
      Make({"twilio", "AC123", "secret-token", "+15017122661", "+14155238886", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+14155552671", "code", SmsChannel::kWhatsApp).ok());
  auto f = fake.requests().at(0).Form();
  EXPECT_EQ(f["To"], "whatsapp:+14155552671");
  EXPECT_EQ(f["From"], "whatsapp:+14155238886");
}

TEST(TwilioSender, MessagingServiceSid) {
  FakeHttpServer fake(TwilioMessages);
  auto sender = Make(
      {"twilio", "AC123", "secret-token", "MG9752274e9e519418a7406176694466fa", "", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+14155552671", "code", SmsChannel::kSms).ok());
  auto f = fake.requests().at(0).Form();
  EXPECT_EQ(f["MessagingServiceSid"], "MG9752274e9e519418a7406176694466fa");
  EXPECT_EQ(f.count("From"), 0u);
}

TEST(TwilioSender, ProviderErrorsAreCannotSendSms) {
  FakeHttpServer fake(TwilioMessages);
  auto bad_number = Make({"twilio", "AC123", "secret-token", "+15017122661", "", fake.url(), 5});
  auto r = bad_number->Send("+15005550001", "code", SmsChannel::kSms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kCannotSendSms);
  auto bad_auth = Make({"twilio", "AC123", "wrong", "+15017122661", "", fake.url(), 5});
  EXPECT_EQ(bad_auth->Send("+14155552671", "code", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
}

TEST(TwilioSender, UnreachableOrSlowProviderTimesOut) {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  auto refused = Make({"twilio", "AC123", "t", "+1", "", "http://127.0.0.1:1", 2});
  EXPECT_EQ(refused->Send("+14155552671", "x", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
  FakeHttpServer slow([](const FakeRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return FakeResponse{201, "{}"};
  });
  auto sender = Make({"twilio", "AC123", "t", "+1", "", slow.url(), 1});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sender->Send("+14155552671", "x", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2400));
}

// --- Twilio Verify

TEST(TwilioVerifySender, StartsAndChecksVerifications) {
  std::string pending_to;
  FakeHttpServer fake([&](const FakeRequest& r) -> FakeResponse {
    if (r.headers.count("authorization") == 0 ||
        r.headers.at("authorization") != Basic("AC123", "tok"))
      return {401, R"({"code": 20003, "message": "Authenticate", "status": 401})"};
    auto f = r.Form();
    if (r.path == "/v2/Services/VA42/Verifications") {
      if (f["Channel"] != "sms" && f["Channel"] != "whatsapp")
        return {400, R"({"code": 60200, "message": "Invalid parameter", "status": 400})"};
      pending_to = f["To"];
      return {201, R"({"sid": "VE1", "status": "pending", "channel": ")" + f["Channel"] + R"("})"};
    }
    if (r.path == "/v2/Services/VA42/VerificationCheck") {
      if (f["To"] != pending_to)
        return {
            404,
            R"({"code": 20404, "message": "The requested resource /Services/VA42/VerificationCheck was not found", "status": 404})"};
      bool ok = f["Code"] == "424242";
      if (ok) pending_to.clear();
      return {200, std::string(R"({"sid": "VE1", "status": ")") + (ok ? "approved" : "pending") +
                       R"(", "valid": )" + (ok ? "true" : "false") + "}"};
    }
    return {404, R"({"code": 20404, "message": "not found", "status": 404})"};
  });
  auto sender = Make({"twilio-verify", "AC123", "tok", "VA42", "", fake.url(), 5});
  EXPECT_TRUE(sender->GeneratesCodes());
  ASSERT_TRUE(sender->StartVerification("+14155552671", SmsChannel::kWhatsApp).ok());
  EXPECT_EQ(fake.requests().at(0).Form()["Channel"], "whatsapp");
  auto wrong = sender->CheckVerification("+14155552671", "111111");
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(*wrong);
  auto right = sender->CheckVerification("+14155552671", "424242");
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(*right);
  auto gone = sender->CheckVerification("+14155552671", "424242");  // 404: nothing pending
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(*gone);
  auto bad = Make({"twilio-verify", "AC123", "nope", "VA42", "", fake.url(), 5});
  EXPECT_EQ(bad->StartVerification("+14155552671", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
}

// --- MessageBird

TEST(MessageBirdSender, SendsWithAccessKey) {
  FakeHttpServer fake([](const FakeRequest& r) -> FakeResponse {
    if (r.path != "/messages")
      return {404,
              R"({"errors":[{"code":20,"description":"message not found","parameter":null}]})"};
    if (r.headers.count("authorization") == 0 ||
        r.headers.at("authorization") != "AccessKey live_key")
      return {
          401,
          R"J({"errors":[{"code":2,"description":"Request not allowed (incorrect access_key)","parameter":"access_key"}]})J"};
    auto f = r.Form();
    if (f["recipients"].empty() || f["originator"].empty() || f["body"].empty())
      return {
          422,
          R"({"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipients"}]})"};
    return {
        201,
        R"({"id":"e8077d803532c0b5937c639b60216938","recipients":{"totalCount":1,"totalSentCount":1}})"};
  });
  auto sender = Make({"messagebird", "", "live_key", "Gatehouse", "", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+31612345678", "hello", SmsChannel::kSms).ok());
  auto f = fake.requests().at(0).Form();
  EXPECT_EQ(f["recipients"], "31612345678");
  EXPECT_EQ(f["originator"], "Gatehouse");
  EXPECT_EQ(f["body"], "hello");
  auto bad = Make({"messagebird", "", "wrong", "Gatehouse", "", fake.url(), 5});
  EXPECT_EQ(bad->Send("+31612345678", "hello", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
  EXPECT_EQ(sender->Send("+31612345678", "hello", SmsChannel::kWhatsApp).error().code,
            core::errc::kCannotSendSms);
}

// --- Vonage

TEST(VonageSender, SendsAndReadsPerMessageStatus) {
  FakeHttpServer fake([](const FakeRequest& r) -> FakeResponse {
    if (r.path != "/sms/json") return {404, "{}"};
    auto f = r.Form();
    if (f["api_key"] != "abcd1234" || f["api_secret"] != "s3cret")
      return {
          200,
          R"({"message-count":"1","messages":[{"status":"4","error-text":"Bad Credentials"}]})"};
    if (f["to"].empty() || f["from"].empty() || f["text"].empty())
      return {
          200,
          R"({"message-count":"1","messages":[{"status":"2","error-text":"Missing to param"}]})"};
    return {
        200,
        R"({"message-count":"1","messages":[{"to":")" + f["to"] +
            R"(","message-id":"0A0000000123ABCD1","status":"0","remaining-balance":"3.14","message-price":"0.03","network":"12345"}]})"};
  });
  auto sender = Make({"vonage", "abcd1234", "s3cret", "Gatehouse", "", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+447700900000", "hi", SmsChannel::kSms).ok());
  EXPECT_EQ(fake.requests().at(0).Form()["to"], "447700900000");
  auto bad = Make({"vonage", "abcd1234", "nope", "Gatehouse", "", fake.url(), 5});
  EXPECT_EQ(bad->Send("+447700900000", "hi", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
}

// --- Textlocal

TEST(TextLocalSender, SendsAndReadsStatus) {
  FakeHttpServer fake([](const FakeRequest& r) -> FakeResponse {
    if (r.path != "/send/") return {404, "{}"};
    auto f = r.Form();
    if (f["apikey"] != "tl-key")
      return {200,
              R"({"errors":[{"code":3,"message":"Invalid login details"}],"status":"failure"})"};
    if (f["numbers"].empty() || f["message"].empty())
      return {200,
              R"({"errors":[{"code":4,"message":"No recipients specified"}],"status":"failure"})"};
    return {
        200,
        R"({"balance":1162,"batch_id":123456789,"cost":1,"num_messages":1,"messages":[{"id":"1151346216","recipient":447123456789}],"status":"success"})"};
  });
  auto sender = Make({"textlocal", "", "tl-key", "Gatehouse", "", fake.url(), 5});
  ASSERT_TRUE(sender->Send("+447123456789", "hi there", SmsChannel::kSms).ok());
  auto f = fake.requests().at(0).Form();
  EXPECT_EQ(f["numbers"], "447123456789");
  EXPECT_EQ(f["sender"], "Gatehouse");
  EXPECT_EQ(f["message"], "hi there");
  auto bad = Make({"textlocal", "", "nope", "Gatehouse", "", fake.url(), 5});
  EXPECT_EQ(bad->Send("+447123456789", "hi", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
}

// --- HTTP hook

TEST(HttpHookSender, PostsSignedJson) {
  FakeHttpServer fake([](const FakeRequest& r) -> FakeResponse {
    std::string expected =
        "sha256=" + crypto::HexEncode(crypto::HmacSha256(
                        "hook-secret", r.headers.at("x-gatehouse-timestamp") + "." + r.body));
    if (r.headers.at("x-gatehouse-signature") != expected) return {401, "bad signature"};
    if (r.headers.at("content-type") != "application/json") return {415, ""};
    return {204, ""};
  });
  auto sender = Make({"http-hook", "", "hook-secret", "", "", fake.url() + "/hooks/sms", 5});
  ASSERT_TRUE(sender->Send("+14155552671", "123456 is your code", SmsChannel::kWhatsApp).ok());
  auto req = fake.requests().at(0);
  EXPECT_EQ(req.path, "/hooks/sms");
  EXPECT_NE(req.body.find("\"to\":\"+14155552671\""), std::string::npos);
  EXPECT_NE(req.body.find("\"channel\":\"whatsapp\""), std::string::npos);
  auto wrong = Make({"http-hook", "", "other-secret", "", "", fake.url() + "/hooks/sms", 5});
  EXPECT_EQ(wrong->Send("+14155552671", "x", SmsChannel::kSms).error().code,
            core::errc::kCannotSendSms);
}

// --- factory

TEST(MakeSmsSender, DefaultsToLogAndChecksSettings) {
  auto log = MakeSmsSender({});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->name(), "log");
  EXPECT_TRUE((*log)->Send("+14155552671", "x", SmsChannel::kSms).ok());
  EXPECT_FALSE(MakeSmsSender({"twilio", "AC1", "", "+1", "", "", 5}).ok());
  EXPECT_FALSE(MakeSmsSender({"http-hook", "", "secret", "", "", "", 5}).ok());
  auto unknown = MakeSmsSender({"carrier-pigeon", "", "", "", "", "", 5});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("carrier-pigeon"), std::string::npos);
}

// docs/api.md: only Twilio and the hook send WhatsApp; the development sender
// refuses it like the other SMS-only providers, not pretending it was sent.
TEST(LogSender, RefusesWhatsApp) {
  auto log = MakeSmsSender({});
  ASSERT_TRUE(log.ok());
  auto r = (*log)->Send("+14155552671", "123456 is your code", SmsChannel::kWhatsApp);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kCannotSendSms);
}

}  // namespace
}  // namespace gh::notify
