// FlowTest plus the email flows over a recording mailer: what every email flow
// test starts from. Links and codes are read back out of the recorded mails.
#pragma once

#include <mutex>
#include <regex>
#include <vector>

#include "auth/email_change.h"
#include "auth/email_common.h"
#include "auth/email_links.h"
#include "auth/email_verification.h"
#include "auth/flow_fixture.h"
#include "auth/password_reset.h"
#include "auth/passwordless_email.h"
#include "notify/mailer.h"
#include "notify/templates.h"

namespace gh::auth {

class RecordingMailer final : public notify::Mailer {
 public:
  core::Result<void> Send(const notify::MailMessage& m) override {
    std::lock_guard<std::mutex> lock(mu);
    if (fail) return core::Error(core::errc::kUnavailable, "mail down", 30);
    sent.push_back(m);
    return core::Ok();
  }
  std::mutex mu;
  bool fail = false;
  std::vector<notify::MailMessage> sent;
};

class EmailFlowTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    RequireEmailVerification(true);
    anonymous_options_.email_passwordless_enabled = true;
    email_options_.email_passwordless_enabled = true;
    email_options_.email_otp_enabled = true;
    email_options_.email_resend_cooldown_seconds = 0;
    SetClientUrl("https://app.example.com");
    kit_ = std::make_unique<EmailKit>(*store_, clock_, email_options_, mailer_, templates_,
                                      std::string(32, 'k'));
    verification_ = std::make_unique<EmailVerificationFlow>(*kit_, *sessions_);
    passwordless_ = std::make_unique<PasswordlessEmailFlow>(*kit_, *sessions_);
    reset_ = std::make_unique<PasswordResetFlow>(*kit_, *sessions_, hasher_, *password_);
    change_ = std::make_unique<EmailChangeFlow>(*kit_);
    links_ =
        std::make_unique<EmailLinkFlow>(*kit_, *verification_, *passwordless_, *reset_, *change_);
    password_->SetVerificationSender(
        [this](const core::User& u, const std::optional<std::string>& r, const LinkStyle& l) {
          return verification_->SendForNewUser(u, r, l);
        });
  }

  const notify::MailMessage& LastMail() {
    EXPECT_FALSE(mailer_.sent.empty());
    return mailer_.sent.back();
  }
  // The token=... value of the link in the last mail (percent-decoded ':').
  std::string LastTicket() {
    std::smatch m;
    std::string text = LastMail().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("token=([A-Za-z]+)%3A([A-Za-z0-9_-]+)")))
        << text;
    return m.size() > 2 ? m[1].str() + ":" + m[2].str() : "";
  }
  std::string LastCode() {
    std::smatch m;
    std::string text = LastMail().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("\\b([0-9]{6})\\b"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }

  void RequireEmailVerification(bool on) {
    FlowTest::RequireEmailVerification(on);
    email_options_.proof.email_verification_required = on;
  }
  // The app the links send the browser back to, for every flow.
  void SetClientUrl(const std::string& url) {
    password_options_.users.redirects.client_url = url;
    anonymous_options_.users.redirects.client_url = url;
    email_options_.users.redirects.client_url = url;
  }

  EmailOptions email_options_;
  RecordingMailer mailer_;
  notify::Templates templates_;
  std::unique_ptr<EmailKit> kit_;
  std::unique_ptr<EmailVerificationFlow> verification_;
  std::unique_ptr<PasswordlessEmailFlow> passwordless_;
  std::unique_ptr<PasswordResetFlow> reset_;
  std::unique_ptr<EmailChangeFlow> change_;
  std::unique_ptr<EmailLinkFlow> links_;
};

}  // namespace gh::auth
