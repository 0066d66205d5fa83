#include "auth/sms.h"

#include <regex>

#include "auth/phone.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

// Records every message; can be told to fail or to behave like Twilio Verify.
class RecordingSmsSender : public notify::SmsSender {
 public:
  struct Sent {
    std::string to, text;
    notify::SmsChannel channel;
  };
  std::string_view name() const override { return "recording"; }
  core::Result<void> Send(const std::string& to, const std::string& text,
                          notify::SmsChannel channel) override {
    if (fail) return core::Error(core::errc::kCannotSendSms, "provider down");
    sent.push_back({to, text, channel});
    return core::Ok();
  }
  bool GeneratesCodes() const override { return verify_mode; }
  core::Result<void> StartVerification(const std::string& to, notify::SmsChannel channel) override {
    if (fail) return core::Error(core::errc::kCannotSendSms, "provider down");
    sent.push_back({to, "(provider code)", channel});
    return core::Ok();
  }
  core::Result<bool> CheckVerification(const std::string&, const std::string& code) override {
    ++checks;
    return code == "777777";
  }
  std::string LastCode() const {
    std::smatch m;
    std::regex digits("[0-9]{6,10}");
    std::string text = sent.back().text;
    return std::regex_search(text, m, digits) ? m.str() : "";
  }

  std::vector<Sent> sent;
  bool fail = false;
  bool verify_mode = false;
  int checks = 0;
};

class SmsTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    options_.proof.email_verification_required = false;  // as FlowTest's flows
    options_.sms_passwordless_enabled = true;
    options_.phone_password_enabled = true;
    Rebuild();
  }
  void Rebuild() {
    sms_ = std::make_unique<SmsFlow>(*store_, clock_, options_, hasher_, *sessions_, *password_,
                                     sender_, std::string(32, 'k'));
  }
  core::Result<void> Send(const std::string& phone,
                          notify::SmsChannel ch = notify::SmsChannel::kSms) {
    SmsCodeRequest req;
    req.phone_number = phone;
    req.channel = ch;
    req.client = client_;
    return sms_->SendSignInCode(req);
  }
  core::Result<SignInOutcome> Verify(const std::string& phone, const std::string& otp) {
    return sms_->SignIn({phone, otp, client_});
  }

  SmsOptions options_;
  RecordingSmsSender sender_;
  std::unique_ptr<SmsFlow> sms_;
  const std::string phone_ = "+14155552671";
};

TEST(NormalizePhone, E164) {
  EXPECT_EQ(*NormalizePhone("+1 (415) 555-2671"), "+14155552671");
  EXPECT_EQ(*NormalizePhone("+44 7911 123456"), "+447911123456");
  EXPECT_EQ(*NormalizePhone("07911 123456", "GB"), "+447911123456");
  EXPECT_FALSE(NormalizePhone("07911 123456").ok());  // no region, no "+"
  EXPECT_FALSE(NormalizePhone("+1234").ok());
  EXPECT_FALSE(NormalizePhone("hello").ok());
  EXPECT_FALSE(NormalizePhone("").ok());
  EXPECT_EQ(NormalizePhone("+1 415 555 2671\n").error().code, core::errc::kInvalidRequest);
}

TEST_F(SmsTest, SignInCreatesUserAndVerifiesNumber) {
  ASSERT_TRUE(Send("+1 415-555-2671").ok());
  ASSERT_EQ(sender_.sent.size(), 1u);
  EXPECT_EQ(sender_.sent[0].to, phone_);
  EXPECT_NE(sender_.sent[0].text.find("Gatehouse"), std::string::npos);
  std::string code = sender_.LastCode();
  EXPECT_EQ(code.size(), 6u);
  auto user = store_->users().FindByPhone(phone_);
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_FALSE((*user)->phone_number_verified());
  // The code is stored only as a keyed hash.
  auto row = store_->codes().FindLatest("sms-otp", phone_);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->code_hash.find(code), std::string::npos);

  auto out = Verify(phone_, code);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_TRUE(out->user.phone_number_verified());
  EXPECT_EQ(out->session->session.amr, "sms");
  // Single use.
  EXPECT_EQ(Verify(phone_, code).error().code, core::errc::kInvalidOtp);
}

TEST_F(SmsTest, SecondFactorDueGivesMfaTicketInsteadOfSession) {
  ASSERT_TRUE(Send(phone_).ok());
  GiveVerifiedFactor((*store_->users().FindByPhone(phone_))->id);
  auto out = Verify(phone_, sender_.LastCode());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_FALSE(out->session.has_value());
  ASSERT_TRUE(out->mfa.has_value());
  EXPECT_FALSE(out->mfa->ticket.empty());
}

TEST_F(SmsTest, CodeLengthIsConfigurable) {
  options_.sms_code_length = 8;
  ASSERT_TRUE(Send(phone_).ok());
  EXPECT_EQ(sender_.LastCode().size(), 8u);
}

TEST_F(SmsTest, ExpiresAfterTtl) {
  ASSERT_TRUE(Send(phone_).ok());
  clock_.AdvanceSeconds(options_.sms_code_ttl_seconds + 1);
  EXPECT_EQ(Verify(phone_, sender_.LastCode()).error().code, core::errc::kInvalidOtp);
}

TEST_F(SmsTest, BurntAfterMaxWrongTries) {
  ASSERT_TRUE(Send(phone_).ok());
  std::string code = sender_.LastCode();
  std::string wrong = code == "000000" ? "111111" : "000000";
  for (int i = 0; i < options_.sms_code_max_attempts; ++i)
    EXPECT_EQ(Verify(phone_, wrong).error().code, core::errc::kInvalidOtp);
  EXPECT_EQ(Verify(phone_, code).error().code, core::errc::kInvalidOtp);
}

TEST_F(SmsTest, ResendCooldownAndNewCodeReplacesOld) {
  ASSERT_TRUE(Send(phone_).ok());
  std::string first = sender_.LastCode();
  auto again = Send(phone_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kTooManyRequests);
  EXPECT_GT(again.error().retry_after_seconds, 0);
  EXPECT_EQ(sender_.sent.size(), 1u);
  clock_.AdvanceSeconds(61);
  ASSERT_TRUE(Send(phone_).ok());
  std::string second = sender_.LastCode();
  if (first != second) {
    EXPECT_EQ(Verify(phone_, first).error().code, core::errc::kInvalidOtp);
  }
  EXPECT_TRUE(Verify(phone_, second).ok());
}

TEST_F(SmsTest, PerNumberHourlyCapAndGlobalBudget) {
  options_.sms_resend_cooldown_seconds = 0;
  options_.sms_per_number_per_hour = 2;
  Rebuild();
  EXPECT_TRUE(Send(phone_).ok());
  EXPECT_TRUE(Send(phone_).ok());
  EXPECT_EQ(Send(phone_).error().code, core::errc::kTooManyRequests);
  options_.sms_budget_per_hour = 3;
  EXPECT_TRUE(Send("+447911123456").ok());  // the third message this hour
  auto over = Send("+33612345678");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, core::errc::kTooManyRequests);
  EXPECT_EQ(sender_.sent.size(), 3u);
  clock_.AdvanceSeconds(3600);
  EXPECT_TRUE(Send("+33612345678").ok());
}

// Two instances (two flows) counting in one shared counter spend one budget.
TEST_F(SmsTest, FlowsSharingACounterShareThePerNumberCap) {
  options_.sms_resend_cooldown_seconds = 0;
  options_.sms_per_number_per_hour = 3;
  InProcessHitCounter shared;
  Rebuild();
  sms_->SetSendCounter(&shared);
  SmsFlow other(*store_, clock_, options_, hasher_, *sessions_, *password_, sender_,
                std::string(32, 'k'));
  other.SetSendCounter(&shared);
  SmsCodeRequest req;
  req.phone_number = phone_;
  req.client = client_;
  EXPECT_TRUE(sms_->SendSignInCode(req).ok());
  EXPECT_TRUE(other.SendSignInCode(req).ok());
  EXPECT_TRUE(sms_->SendSignInCode(req).ok());
  auto fourth = other.SendSignInCode(req);
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code, core::errc::kTooManyRequests);
  EXPECT_EQ(sender_.sent.size(), 3u);
}

TEST_F(SmsTest, ProviderFailureStoresNothing) {
  sender_.fail = true;
  auto r = Send(phone_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kCannotSendSms);
  EXPECT_FALSE(store_->users().FindByPhone(phone_)->has_value());
  EXPECT_FALSE(store_->codes().FindLatest("sms-otp", phone_)->has_value());
  sender_.fail = false;
  EXPECT_TRUE(Send(phone_).ok());  // no cooldown from the failed attempt
}

TEST_F(SmsTest, TestNumbersSendNothing) {
  options_.sms_test_numbers = {"+15550001111:424242"};
  Rebuild();
  ASSERT_TRUE(Send("+1 555 000 1111").ok());
  EXPECT_TRUE(sender_.sent.empty());
  EXPECT_EQ(Verify("+15550001111", "000000").error().code, core::errc::kInvalidOtp);
  EXPECT_TRUE(Verify("+15550001111", "424242").ok());
  EXPECT_FALSE(ParseTestNumbers({"+1555:abc"}).ok());
}

TEST_F(SmsTest, ProviderCheckedCodes) {
  sender_.verify_mode = true;
  ASSERT_TRUE(Send(phone_, notify::SmsChannel::kWhatsApp).ok());
  EXPECT_EQ(sender_.sent.back().channel, notify::SmsChannel::kWhatsApp);
  EXPECT_EQ(Verify(phone_, "123456").error().code, core::errc::kInvalidOtp);
  EXPECT_TRUE(Verify(phone_, "777777").ok());
  EXPECT_EQ(sender_.checks, 2);
}

TEST_F(SmsTest, DisabledAndSignupDisabledAndInvalidNumber) {
  EXPECT_EQ(Send("12345").error().code, core::errc::kInvalidRequest);
  EXPECT_TRUE(sender_.sent.empty());
  // Sign-up off: a new number gets the same OK as a known one, and no message
  // (and no account).
  options_.signup_disabled = true;
  EXPECT_TRUE(Send(phone_).ok());
  EXPECT_TRUE(sender_.sent.empty());
  EXPECT_FALSE(store_->users().FindByPhone(phone_)->has_value());
  options_.signup_disabled = false;
  options_.sms_passwordless_enabled = false;
  EXPECT_EQ(Send(phone_).error().code, core::errc::kDisabledEndpoint);
}

// A disabled account answers as an enabled one (no enumeration, as the email
// flows): OK, the same cooldown, but no message and no way in.
TEST_F(SmsTest, DisabledUserGetsTheSameAnswerAndNoCode) {
  ASSERT_TRUE(Send(phone_).ok());
  ASSERT_EQ(sender_.sent.size(), 1u);
  core::User user = **store_->users().FindByPhone(phone_);
  user.disabled = true;
  ASSERT_TRUE(store_->users().Update(user).ok());
  clock_.AdvanceSeconds(options_.sms_resend_cooldown_seconds + 1);
  EXPECT_TRUE(Send(phone_).ok());
  EXPECT_EQ(sender_.sent.size(), 1u);
  if (options_.sms_resend_cooldown_seconds > 0) {
    EXPECT_EQ(Send(phone_).error().code, core::errc::kTooManyRequests);
  }
  EXPECT_EQ(Verify(phone_, sender_.LastCode()).error().code, core::errc::kInvalidOtp);
}

TEST_F(SmsTest, PhonePasswordNeedsConfirmation) {
  PhonePasswordSignUp up;
  up.phone_number = phone_;
  up.password = "correct horse";
  up.client = client_;
  auto created = sms_->SignUpWithPassword(up);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_FALSE(created->session.has_value());
  EXPECT_EQ(sms_->SignUpWithPassword(up).error().code, "phone-already-in-use");
  EXPECT_EQ(sms_->SignInWithPassword({phone_, "correct horse", client_}).error().code,
            core::errc::kUnverifiedUser);
  ASSERT_TRUE(Verify(phone_, sender_.LastCode()).ok());
  EXPECT_TRUE(sms_->SignInWithPassword({phone_, "correct horse", client_}).ok());
  EXPECT_EQ(sms_->SignInWithPassword({phone_, "wrong horse!", client_}).error().code,
            core::errc::kInvalidEmailPassword);
  EXPECT_EQ(sms_->SignInWithPassword({"+447911123456", "correct horse", client_}).error().code,
            core::errc::kInvalidEmailPassword);
}

TEST_F(SmsTest, PhoneChange) {
  SessionGrant me = SignUp("phone-change@example.com");
  const std::string next = "+447911123456";
  ASSERT_TRUE(sms_->RequestPhoneChange({me.user.id, next, notify::SmsChannel::kSms}).ok());
  EXPECT_EQ(store_->users().FindById(me.user.id)->value().phone_change_sent_at, clock_.NowMillis());
  std::string code = sender_.LastCode();
  clock_.AdvanceSeconds(5);
  EXPECT_EQ(sms_->VerifyPhoneChange({"someone-else", next, code}).error().code,
            core::errc::kInvalidOtp);
  auto user = sms_->VerifyPhoneChange({me.user.id, next, code});
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->phone_number, next);
  EXPECT_EQ(user->phone_confirmed_at, clock_.NowMillis());
  EXPECT_EQ(user->app_metadata_json, R"({"provider":"email","providers":["email","phone"]})");
  // Another user cannot take the number now.
  SessionGrant other = SignUp("other@example.com");
  EXPECT_EQ(sms_->RequestPhoneChange({other.user.id, next, notify::SmsChannel::kSms}).error().code,
            "phone-already-in-use");
}

TEST_F(SmsTest, PhoneChangeByTheCodeAloneMovesTheUserItWasSentFor) {
  SessionGrant me = SignUp("phone-change-code@example.com");
  const std::string next = "+447911123457";
  ASSERT_TRUE(sms_->RequestPhoneChange({me.user.id, next, notify::SmsChannel::kSms}).ok());
  std::string code = sender_.LastCode();
  std::string wrong = code == "000000" ? "111111" : "000000";
  EXPECT_EQ(sms_->VerifyPhoneChange({"", next, wrong}).error().code, core::errc::kInvalidOtp);
  EXPECT_EQ(sms_->VerifyPhoneChange({"", "+447911123458", code}).error().code,
            core::errc::kInvalidOtp);
  auto user = sms_->VerifyPhoneChange({"", next, code});
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->id, me.user.id);
  EXPECT_EQ(user->phone_number, next);
  // Single use.
  EXPECT_FALSE(sms_->VerifyPhoneChange({"", next, code}).ok());
}

}  // namespace
}  // namespace gh::auth
