#include "auth/sessions.h"

#include "flow_fixture.h"

namespace gh::auth {
namespace {

using SessionsTest = FlowTest;

TEST_F(SessionsTest, RefreshRotatesTheToken) {
  auto first = SignUp("a@example.com");
  EXPECT_TRUE(LooksLikeRefreshToken(first.refresh_token));
  clock_.AdvanceSeconds(60);
  auto second = sessions_->Refresh(first.refresh_token);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_NE(second->refresh_token_id, first.refresh_token_id);
  EXPECT_EQ(second->session.id, first.session.id);
  EXPECT_TRUE(LooksLikeRefreshToken(second->refresh_token));
  auto third = sessions_->Refresh(second->refresh_token);
  ASSERT_TRUE(third.ok());
}

TEST_F(SessionsTest, SecondTabWithinGraceGetsTheSameSuccessor) {
  auto first = SignUp("b@example.com");
  auto tab1 = sessions_->Refresh(first.refresh_token);
  clock_.AdvanceSeconds(session_options_.refresh_token_reuse_grace_seconds - 1);
  auto tab2 = sessions_->Refresh(first.refresh_token);
  ASSERT_TRUE(tab1.ok() && tab2.ok());
  EXPECT_EQ(tab1->refresh_token, tab2->refresh_token);
  EXPECT_EQ(tab1->refresh_token_id, tab2->refresh_token_id);
  EXPECT_TRUE(sessions_->Refresh(tab2->refresh_token).ok());
}

TEST_F(SessionsTest, ReuseAfterGraceRevokesTheWholeSession) {
  auto first = SignUp("c@example.com");
  auto second = sessions_->Refresh(first.refresh_token);
  ASSERT_TRUE(second.ok());
  clock_.AdvanceSeconds(session_options_.refresh_token_reuse_grace_seconds + 1);
  auto replay = sessions_->Refresh(first.refresh_token);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, core::errc::kRefreshTokenReused);
  // The thief's replay also kills the legitimate holder's newest token.
  auto newest = sessions_->Refresh(second->refresh_token);
  ASSERT_FALSE(newest.ok());
  EXPECT_EQ(newest.error().code, core::errc::kInvalidRefreshToken);
  auto audit = store_->audit().ListForUser(first.user.id, 10);
  bool logged = false;
  for (const auto& ev : *audit) logged = logged || ev.type == "token-reuse";
  EXPECT_TRUE(logged);
}

TEST_F(SessionsTest, MalformedUnknownAndExpiredTokensAreRefused) {
  for (std::string bad :
       std::vector<std::string>{"", "not-a-uuid", "00000000-0000-4000-8000-000000000000",
                                "00000000-0000-4000-8000-00000000000G", std::string(5000, 'a')}) {
    auto r = sessions_->Refresh(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kInvalidRefreshToken);
  }
  auto g = SignUp("d@example.com");
  clock_.AdvanceSeconds(session_options_.refresh_token_ttl_seconds + 1);
  EXPECT_EQ(sessions_->Refresh(g.refresh_token).error().code, core::errc::kInvalidRefreshToken);
}

TEST_F(SessionsTest, SignOutOneAndAll) {
  auto a = SignUp("e@example.com");
  auto b = password_->SignIn({"e@example.com", "correct horse", client_});
  auto c = password_->SignIn({"e@example.com", "correct horse", client_});
  ASSERT_TRUE(b.ok() && c.ok());
  EXPECT_EQ(sessions_->List(a.user.id)->size(), 3u);

  ASSERT_TRUE(sessions_->SignOut(a.refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(a.refresh_token).ok());
  EXPECT_TRUE(sessions_->SignOut(a.refresh_token).ok());  // idempotent
  EXPECT_TRUE(sessions_->SignOut("garbage").ok());
  EXPECT_EQ(sessions_->List(a.user.id)->size(), 2u);

  auto n = sessions_->SignOutAll(a.user.id);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(sessions_->Refresh(b->session->refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(c->session->refresh_token).ok());
}

TEST_F(SessionsTest, SignOutBySessionAndOthers) {
  auto a = SignUp("so@example.com");
  auto b = password_->SignIn({"so@example.com", "correct horse", client_});
  auto c = password_->SignIn({"so@example.com", "correct horse", client_});
  ASSERT_TRUE(b.ok() && c.ok());
  // Another user's session id is not this user's to end.
  auto other = SignUp("other@example.com");
  ASSERT_TRUE(sessions_->SignOutSession(a.user.id, other.session.id).ok());
  EXPECT_TRUE(sessions_->Refresh(other.refresh_token).ok());

  ASSERT_TRUE(sessions_->SignOutSession(a.user.id, a.session.id).ok());
  EXPECT_FALSE(sessions_->Refresh(a.refresh_token).ok());
  EXPECT_TRUE(sessions_->SignOutSession(a.user.id, a.session.id).ok());  // idempotent

  auto n = sessions_->SignOutOthers(a.user.id, b->session->session.id);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(sessions_->Refresh(b->session->refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(c->session->refresh_token).ok());
}

TEST_F(SessionsTest, SessionRecordsDevice) {
  auto g = SignUp("f@example.com");
  auto list = sessions_->List(g.user.id);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].user_agent, "test-agent/1.0");
  EXPECT_EQ((*list)[0].ip, "127.0.0.1");
  EXPECT_EQ((*list)[0].amr, "password");
}

TEST_F(SessionsTest, DisabledUserCannotRefresh) {
  auto g = SignUp("g@example.com");
  core::User u = g.user;
  u.disabled = true;
  ASSERT_TRUE(store_->users().Update(u).ok());
  EXPECT_EQ(sessions_->Refresh(g.refresh_token).error().code, core::errc::kDisabledUser);
}

TEST_F(SessionsTest, AccessTokenExpiresAndCarriesClaims) {
  auto g = SignUp("h@example.com");
  auto claims = tokens_->Verify(g.access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->default_role, "user");
  EXPECT_FALSE(claims->is_anonymous);
  EXPECT_EQ(claims->aal, "aal1");
  clock_.AdvanceSeconds(token_options_.access_token_ttl_seconds + 1);
  auto expired = tokens_->Verify(g.access_token);  // served from the cache, still refused
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, core::errc::kInvalidToken);
  EXPECT_FALSE(tokens_->Verify("a.b.c").ok());
}

TEST_F(SessionsTest, TokenFromAnotherIssuerIsRefused) {
  auto g = SignUp("i@example.com");
  TokenOptions other = token_options_;
  other.jwt_issuer = "someone-else";
  TokenService foreign(other, clock_, tokens_->key_ring());
  auto r = foreign.Verify(g.access_token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidToken);
}

}  // namespace
}  // namespace gh::auth

namespace gh::auth {
namespace {

// Two instances share one store; one rotates keys. The other must accept the new
// kid at once (reload on unknown kid) and sign with the new key within a minute.
TEST_F(SessionsTest, AnotherInstancesKeyRotationIsPickedUp) {
  auto old_key = crypto::GenerateSigningKey("ES256", clock_.NowMillis());
  ASSERT_TRUE(store_->keys().Insert(*old_key).ok());
  auto loader = [this]() { return crypto::KeyRing::Create(*store_->keys().List()); };
  TokenService a(token_options_, clock_, *loader(), loader);
  TokenService b(token_options_, clock_, *loader(), loader);
  auto g = SignUp("rot@example.com");

  clock_.AdvanceSeconds(2);
  auto new_key = crypto::GenerateSigningKey("ES256", clock_.NowMillis());
  ASSERT_TRUE(store_->keys().Insert(*new_key).ok());
  ASSERT_TRUE(store_->keys().Retire(old_key->kid, clock_.NowMillis()).ok());
  ASSERT_TRUE(a.ReloadKeys());
  std::string token = a.Issue(g.user, g.session);
  EXPECT_EQ(a.key_ring()->active_kid(), new_key->kid);
  ASSERT_TRUE(b.Verify(token).ok());  // b had never seen the new kid
  EXPECT_EQ(b.key_ring()->active_kid(), new_key->kid);

  TokenService c(token_options_, clock_, crypto::KeyRing::Create({*old_key}).value(), loader);
  clock_.AdvanceSeconds(61);
  (void)c.Issue(g.user, g.session);
  EXPECT_EQ(c.key_ring()->active_kid(), new_key->kid);
}

}  // namespace
}  // namespace gh::auth
