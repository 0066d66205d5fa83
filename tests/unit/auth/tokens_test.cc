#include "auth/tokens.h"

#include <nlohmann/json.hpp>

#include <functional>

#include "crypto/hash.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

using nlohmann::json;

class TokensTest : public FlowTest {
 protected:
  // The claims of a real token of `grant`, re-signed by the ring after `edit`:
  // what someone holding the signing key (or the HS256 secret) could mint.
  std::string Resigned(const SessionGrant& grant, const std::function<void(json&)>& edit) {
    std::string token = grant.access_token;
    size_t a = token.find('.'), b = token.rfind('.');
    std::string payload;
    EXPECT_TRUE(crypto::Base64UrlDecode(token.substr(a + 1, b - a - 1), &payload));
    json claims = json::parse(payload);
    edit(claims);
    return tokens_->key_ring()->Sign(claims.dump());
  }
};

// The audience is checked for every algorithm (ES256 here; HS256 in
// tests/e2e/security-tokens.test.js): exactly the configured string.
TEST_F(TokensTest, AudienceMustBeExactlyOurs) {
  SessionGrant s = SignUp("aud@example.com");
  EXPECT_TRUE(tokens_->Verify(s.access_token).ok());
  EXPECT_TRUE(tokens_->Verify(Resigned(s, [](json&) {})).ok());
  auto refused = [&](const std::function<void(json&)>& edit) {
    auto v = tokens_->Verify(Resigned(s, edit));
    return !v.ok() && v.error().code == core::errc::kInvalidToken;
  };
  EXPECT_TRUE(refused([](json& c) { c["aud"] = "another-service"; }));
  EXPECT_TRUE(refused([](json& c) { c.erase("aud"); }));
  EXPECT_TRUE(refused([](json& c) { c["aud"] = json::array({"another-service"}); }));
  EXPECT_TRUE(refused([](json& c) { c["aud"] = json::array({"authenticated", "other"}); }));
  EXPECT_TRUE(refused([](json& c) { c["aud"] = nullptr; }));
  EXPECT_TRUE(refused([](json& c) { c["aud"] = ""; }));
}

TEST_F(TokensTest, RequireLiveFollowsTheSession) {
  SessionGrant s = SignUp("live@example.com");
  auto claims = tokens_->Verify(s.access_token);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->session_id, s.session.id);
  EXPECT_TRUE(sessions_->RequireLive(claims->session_id).ok());
  auto me = sessions_->LiveSessionUser(claims->session_id, claims->user_id);
  ASSERT_TRUE(me.ok()) << me.error().message;
  EXPECT_EQ(me->id, s.user.id);
  EXPECT_EQ(sessions_->LiveSessionUser(claims->session_id, "someone-else").error().code,
            core::errc::kSessionNotFound);
  EXPECT_EQ(sessions_->RequireLive("").error().code, core::errc::kInvalidToken);
  EXPECT_EQ(sessions_->RequireLive("no-such-session").error().code, core::errc::kSessionNotFound);
  ASSERT_TRUE(sessions_->SignOut(s.refresh_token).ok());
  EXPECT_EQ(sessions_->RequireLive(claims->session_id).error().code, core::errc::kSessionNotFound);
  EXPECT_EQ(sessions_->LiveSessionUser(claims->session_id, claims->user_id).error().code,
            core::errc::kSessionNotFound);
  // The token itself still verifies: that is the stateless check.
  EXPECT_TRUE(tokens_->Verify(s.access_token).ok());

  SessionGrant t = SignUp("expired@example.com");
  clock_.AdvanceSeconds(session_options_.refresh_token_ttl_seconds + 1);
  EXPECT_EQ(sessions_->RequireLive(t.session.id).error().code, core::errc::kSessionNotFound);
}

}  // namespace
}  // namespace gh::auth
