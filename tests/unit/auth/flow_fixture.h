// A temporary, fully wired set of flows over an in-memory SQLite store and a
// manual clock: what every auth test starts from. Each flow reads its own
// Options member here by reference: a test changes a setting by changing it
// in the options of the flow it exercises (defaults are the settings'
// defaults, as app::FlowOptionsFrom makes them from a default Config).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "auth/account.h"
#include "auth/anonymous.h"
#include "auth/password.h"
#include "auth/sessions.h"
#include "auth/tokens.h"
#include "config/config.h"
#include "core/clock.h"
#include "crypto/jwt.h"
#include "crypto/password.h"
#include "store/store.h"
#include "test_links.h"

namespace gh::auth {

class FlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Sign-up tests expect a session at once; email tests turn verification on.
    RequireEmailVerification(false);
    auto store = store::OpenStore("sqlite::memory:", 1);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Migrate().ok());
    auto key = crypto::GenerateSigningKey("ES256", clock_.NowMillis());
    ASSERT_TRUE(key.ok());
    auto ring = crypto::KeyRing::Create({*key});
    ASSERT_TRUE(ring.ok());
    tokens_ = std::make_unique<TokenService>(token_options_, clock_, *ring);
    sessions_ = std::make_unique<SessionService>(*store_, clock_, session_options_, config_,
                                                 *tokens_, std::string(32, 'd'));
    password_ =
        std::make_unique<PasswordFlow>(*store_, clock_, password_options_, hasher_, *sessions_);
    accounts_ = std::make_unique<AccountService>(*store_, clock_);
    anonymous_ = std::make_unique<AnonymousFlow>(*store_, clock_, anonymous_options_, hasher_,
                                                 *sessions_, *password_);
  }

  // The email_verification_required setting, in every flow here that reads it.
  void RequireEmailVerification(bool on) {
    password_options_.email_verification_required = on;
    anonymous_options_.email_verification_required = on;
  }

  SessionGrant SignUp(const std::string& email, const std::string& pw = "correct horse") {
    auto out = password_->SignUp({email, pw, {}, client_, &style_});
    EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
    return *out->session;
  }

  // Gives the user a verified TOTP factor (its secret opens nowhere): enough
  // for sign-ins to ask for a second factor.
  void GiveVerifiedFactor(const std::string& user_id) {
    core::MfaFactor f;
    f.id = "f-" + user_id;
    f.user_id = user_id;
    f.type = "totp";
    f.secret_encrypted = "sealed elsewhere";
    f.created_at = f.updated_at = clock_.NowMillis();
    f.verified_at = f.created_at;
    ASSERT_TRUE(store_->factors().Create(f).ok());
  }

  // The MFA settings (MfaOptions::From, and the tickets SessionService issues).
  config::Config config_;
  TokenOptions token_options_;
  SessionOptions session_options_;
  PasswordOptions password_options_;
  AnonymousOptions anonymous_options_;
  core::ManualClock clock_;
  // The cheapest Argon2id libsodium allows: tests check behaviour, not cost.
  crypto::PasswordHasher hasher_{crypto::PasswordHashParams{1, 8192}};
  core::ClientInfo client_{"127.0.0.1", "test-agent/1.0"};
  // The style every request of these tests names, unless a test says otherwise.
  AltLinks style_{"https://auth.example.com"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<PasswordFlow> password_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<AnonymousFlow> anonymous_;
};

}  // namespace gh::auth
