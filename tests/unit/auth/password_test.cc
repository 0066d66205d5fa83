#include "auth/password.h"

#include <crypt.h>

#include "flow_fixture.h"

namespace gh::auth {
namespace {

using PasswordFlowTest = FlowTest;

TEST_F(PasswordFlowTest, SignUpCreatesUserWithNormalisedEmailAndSession) {
  auto out = password_->SignUp({"  Alice@Example.COM ", "correct horse", {}, client_});
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_TRUE(out->session.has_value());
  EXPECT_EQ(out->user.email, "alice@example.com");
  EXPECT_EQ(out->user.default_role, "user");
  EXPECT_EQ(out->user.roles, (std::vector<std::string>{"user", "me"}));
  EXPECT_EQ(out->user.locale, "en");
  auto stored = store_->users().FindByEmail("alice@example.com");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->password_hash->rfind("$argon2id$", 0), 0u);  // hashed, never plain
  auto claims = tokens_->Verify(out->session->access_token);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ(claims->user_id, out->user.id);
  EXPECT_EQ(claims->session_id, out->session->session.id);
}

TEST_F(PasswordFlowTest, OneAccountPerAddressWhateverTheCase) {
  SignUp("bob@example.com");
  auto again = password_->SignUp({"BOB@Example.com", "another password", {}, client_});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kEmailAlreadyInUse);
  auto count = store_->users().Count();
  EXPECT_EQ(*count, 1);
}

TEST_F(PasswordFlowTest, PasswordPolicy) {
  auto short_pw = password_->SignUp({"c@example.com", "12345678", {}, client_});
  ASSERT_FALSE(short_pw.ok());
  EXPECT_EQ(short_pw.error().code, core::errc::kPasswordTooShort);
  // Nine characters of which some are multi-byte still count as nine.
  EXPECT_TRUE(password_
                  ->SignUp({"d@example.com",
                            "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                            "\xC3\xA9\xC3\xA9\xC3\xA9",
                            {},
                            client_})
                  .ok());
  EXPECT_TRUE(password_->SignUp({"e@example.com", std::string(64, 'x'), {}, client_}).ok());
  auto long_pw = password_->SignUp({"f@example.com", std::string(129, 'x'), {}, client_});
  ASSERT_FALSE(long_pw.ok());
  EXPECT_EQ(long_pw.error().code, core::errc::kInvalidRequest);
  auto nul = password_->SignUp({"n@example.com", std::string("abcdefghi\0j", 11), {}, client_});
  EXPECT_EQ(nul.error().code, core::errc::kInvalidRequest);
  auto bad_utf8 = password_->SignUp({"g@example.com", "abcdefghi\xFF", {}, client_});
  EXPECT_EQ(bad_utf8.error().code, core::errc::kInvalidRequest);
  EXPECT_EQ(*store_->users().Count(), 2);
}

TEST_F(PasswordFlowTest, SignUpDisabledAndBadEmail) {
  password_options_.signup_disabled = true;
  auto r = password_->SignUp({"h@example.com", "correct horse", {}, client_});
  EXPECT_EQ(r.error().code, core::errc::kSignupDisabled);
  password_options_.signup_disabled = false;
  auto bad = password_->SignUp({"not-an-email", "correct horse", {}, client_});
  EXPECT_EQ(bad.error().code, core::errc::kInvalidRequest);
}

TEST_F(PasswordFlowTest, SignUpOptionsAreCheckedAndApplied) {
  SignUpOptions o;
  o.display_name = "Ada L.";
  o.locale = "en";
  o.allowed_roles = std::vector<std::string>{"me"};
  o.default_role = "me";
  o.metadata_json = R"({"plan":"pro"})";
  o.redirect_to = "http://localhost:3000/welcome";
  auto out = password_->SignUp({"ada@example.com", "correct horse", o, client_});
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->user.display_name, "Ada L.");
  EXPECT_EQ(out->user.roles, (std::vector<std::string>{"me"}));
  EXPECT_EQ(out->user.default_role, "me");
  EXPECT_EQ(out->user.metadata_json, R"({"plan":"pro"})");

  auto expect_code = [&](SignUpOptions opts, std::string_view code) {
    auto r = password_->SignUp({"x@example.com", "correct horse", opts, client_});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, code);
  };
  SignUpOptions roles;
  roles.allowed_roles = std::vector<std::string>{"admin"};
  expect_code(roles, core::errc::kRoleNotAllowed);
  SignUpOptions def;
  def.default_role = "admin";
  expect_code(def, core::errc::kDefaultRoleNotAllowed);
  SignUpOptions locale;
  locale.locale = "fr";
  expect_code(locale, core::errc::kLocaleNotAllowed);
  SignUpOptions redirect;
  redirect.redirect_to = "https://evil.example.com/";
  expect_code(redirect, core::errc::kRedirectNotAllowed);
  SignUpOptions name;
  name.display_name = "<script>";
  expect_code(name, core::errc::kInvalidRequest);
  EXPECT_FALSE(store_->users().FindByEmail("x@example.com")->has_value());
}

TEST_F(PasswordFlowTest, SignInChecksPasswordWithOneErrorForBothFailures) {
  SignUp("carol@example.com", "correct horse");
  auto ok = password_->SignIn({"Carol@example.com", "correct horse", client_});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->session.has_value());
  auto wrong = password_->SignIn({"carol@example.com", "wrong horse", client_});
  auto unknown = password_->SignIn({"nobody@example.com", "correct horse", client_});
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kInvalidEmailPassword);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
}

TEST_F(PasswordFlowTest, DisabledUserCannotSignIn) {
  auto g = SignUp("dave@example.com");
  core::User u = g.user;
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  auto r = password_->SignIn({"dave@example.com", "correct horse", client_});
  EXPECT_EQ(r.error().code, core::errc::kDisabledUser);
}

// A ban is refused exactly as a disabled account, until it runs out.
TEST_F(PasswordFlowTest, BannedUserCannotSignInUntilTheBanEnds) {
  auto g = SignUp("dora@example.com");
  core::User u = g.user;
  u.banned_until = clock_.NowMillis() + 3600'000;
  ASSERT_TRUE(store_->users().Update(u).ok());
  auto r = password_->SignIn({"dora@example.com", "correct horse", client_});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kDisabledUser);
  // Sessions it already had end with it: refresh and GET /user refuse.
  EXPECT_EQ(sessions_->Refresh(g.refresh_token).error().code, core::errc::kDisabledUser);
  EXPECT_EQ(accounts_->Get(u.id).error().code, core::errc::kDisabledUser);

  clock_.AdvanceSeconds(3600);  // banned_until is the first instant it no longer holds
  auto after = password_->SignIn({"dora@example.com", "correct horse", client_});
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_TRUE(after->session.has_value());
}

TEST_F(PasswordFlowTest, SignUpAndSignInRecordTheSignInAndTheProvider) {
  auto g = SignUp("lea@example.com");
  const core::UnixMillis signed_up = clock_.NowMillis();
  core::User stored = store_->users().FindById(g.user.id)->value();
  EXPECT_EQ(stored.last_sign_in_at, signed_up);
  EXPECT_EQ(stored.app_metadata_json, R"({"provider":"email","providers":["email"]})");

  clock_.AdvanceSeconds(60);
  ASSERT_TRUE(password_->SignIn({"lea@example.com", "correct horse", client_}).ok());
  EXPECT_EQ(store_->users().FindById(g.user.id)->value().last_sign_in_at, signed_up + 60'000);
  // A refresh is not a sign-in.
  clock_.AdvanceSeconds(60);
  ASSERT_TRUE(sessions_->Refresh(g.refresh_token).ok());
  EXPECT_EQ(store_->users().FindById(g.user.id)->value().last_sign_in_at, signed_up + 60'000);
}

TEST_F(PasswordFlowTest, ImportedBcryptHashVerifiesAndIsUpgraded) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const char* bcrypt = crypt_r("imported secret", salt, &data);
  ASSERT_NE(bcrypt, nullptr);
  core::User u = NewUser(password_options_.users, clock_.NowMillis());
  u.email = "erin@example.com";
  u.password_hash = bcrypt;
  ASSERT_TRUE(store_->users().Create(u).ok());

  auto r = password_->SignIn({"erin@example.com", "imported secret", client_});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto stored = store_->users().FindById(u.id);
  EXPECT_EQ((*stored)->password_hash->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(password_->SignIn({"erin@example.com", "imported secret", client_}).ok());
}

}  // namespace
}  // namespace gh::auth
