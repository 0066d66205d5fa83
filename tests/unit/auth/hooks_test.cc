// auth::Hooks: the payloads GoTrue's hooks get, how answers are read (refusals,
// broken claims, decisions), the custom access token hook in SessionService
// (sign-in, refresh, failing closed) and the user-created hooks through
// HookedStore, over a recording notify::WebhookSender.
#include "auth/hooks.h"

#include <nlohmann/json.hpp>

#include <deque>
#include <functional>

#include "auth/hooked_store.h"
#include "crypto/hash.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

using nlohmann::json;

// Records every call; answers with `answer(uri, payload)`.
class RecordingWebhooks final : public notify::WebhookSender {
 public:
  struct Call {
    std::string uri;
    json payload;
  };
  std::vector<Call> calls;
  std::function<core::Result<notify::WebhookAnswer>(const std::string&, const json&)> answer =
      [](const std::string&, const json&) {
        return core::Result<notify::WebhookAnswer>(notify::WebhookAnswer{204, ""});
      };
  core::Result<notify::WebhookAnswer> Post(const notify::WebhookTarget& target,
                                           std::string_view body) override {
    calls.push_back({target.uri, json::parse(body)});
    return answer(target.uri, calls.back().payload);
  }
};

notify::WebhookAnswer Answer(long status, const json& body) {
  return notify::WebhookAnswer{status, body.dump()};
}

json ClaimsOf(const std::string& token) {
  const size_t a = token.find('.'), b = token.rfind('.');
  std::string payload;
  EXPECT_TRUE(crypto::Base64UrlDecode(token.substr(a + 1, b - a - 1), &payload));
  return json::parse(payload);
}

HookEndpoint On(std::string uri) { return HookEndpoint{true, std::move(uri), "v1,whsec_a2V5"}; }

TEST(HookAnswers, AnErrorMemberIsARefusalWithTheHooksMessage) {
  auto r = ReadHookAnswer("before user created", 403,
                          R"({"error": {"http_code": 403, "message": "closed"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kHookRefused);
  EXPECT_EQ(r.error().message, "closed");
  // Also inside a 200, as GoTrue reads it.
  auto in200 = ReadHookAnswer("x", 200, R"({"error": {"message": "no"}})");
  ASSERT_FALSE(in200.ok());
  EXPECT_EQ(in200.error().code, core::errc::kHookRefused);
}

TEST(HookAnswers, OtherFailuresAreHookFailed) {
  for (auto [status, body] : std::vector<std::pair<long, std::string>>{
           {500, "oops"}, {404, "{}"}, {200, "[1,2]"}, {200, "not json"}}) {
    auto r = ReadHookAnswer("send sms", status, body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().code, core::errc::kHookFailed);
    EXPECT_NE(r.error().message.find("send sms"), std::string::npos);
  }
  auto empty = ReadHookAnswer("after user created", 204, "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, json::object());
}

json GoodClaims() {
  return {{"aud", "authenticated"},
          {"exp", 2},
          {"iat", 1},
          {"sub", "u"},
          {"email", ""},
          {"phone", ""},
          {"role", "authenticated"},
          {"aal", "aal1"},
          {"session_id", "s"},
          {"is_anonymous", false}};
}

TEST(HookAnswers, AccessTokenClaimsAreCheckedNamingTheField) {
  EXPECT_TRUE(CheckAccessTokenAnswer({{"claims", GoodClaims()}}).ok());
  json list_aud = GoodClaims();
  list_aud["aud"] = json::array({"a", "b"});
  EXPECT_TRUE(CheckAccessTokenAnswer({{"claims", list_aud}}).ok());
  for (const char* name : {"aud", "exp", "iat", "sub", "email", "phone", "role", "aal",
                           "session_id", "is_anonymous"}) {
    json missing = GoodClaims();
    missing.erase(name);
    auto r = CheckAccessTokenAnswer({{"claims", missing}});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code, core::errc::kHookFailed);
    EXPECT_NE(r.error().message.find(std::string("\"") + name + "\""), std::string::npos)
        << r.error().message;
  }
  json typed = GoodClaims();
  typed["exp"] = "later";
  auto r = CheckAccessTokenAnswer({{"claims", typed}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("\"exp\" that is not an integer"), std::string::npos);
  EXPECT_FALSE(CheckAccessTokenAnswer(json::object()).ok());
  EXPECT_FALSE(CheckAccessTokenAnswer({{"claims", "x"}}).ok());
}

TEST(HookAnswers, Decisions) {
  auto reject = ReadHookDecision("p", {{"decision", "reject"}, {"message", "m"}});
  ASSERT_TRUE(reject.ok());
  EXPECT_TRUE(reject->reject);
  EXPECT_EQ(reject->message, "m");
  auto go = ReadHookDecision("p", {{"decision", "continue"}, {"should_logout_user", true}});
  ASSERT_TRUE(go.ok());
  EXPECT_FALSE(go->reject);
  EXPECT_TRUE(go->should_logout_user);
  EXPECT_FALSE(ReadHookDecision("p", {{"decision", "maybe"}}).ok());
  EXPECT_FALSE(ReadHookDecision("p", json::object()).ok());
}

TEST(HookPayloads, UserAsGoTrueShowsIt) {
  core::User u;
  u.id = "u1";
  u.email = "a@example.com";
  u.phone_number = "+14155550100";
  u.created_at = u.updated_at = 1700000000000;
  u.email_confirmed_at = 1700000000000;
  u.metadata_json = R"({"plan":"pro"})";
  u.app_metadata_json = "not json";
  json j = HookUserJson(u);
  EXPECT_EQ(j["id"], "u1");
  EXPECT_EQ(j["aud"], "authenticated");
  EXPECT_EQ(j["role"], "authenticated");
  EXPECT_EQ(j["email"], "a@example.com");
  EXPECT_EQ(j["phone"], "14155550100");
  EXPECT_EQ(j["user_metadata"]["plan"], "pro");
  EXPECT_EQ(j["app_metadata"], json::object());
  EXPECT_TRUE(j["phone_confirmed_at"].is_null());
  EXPECT_TRUE(j["email_confirmed_at"].is_string());
  EXPECT_EQ(j["is_anonymous"], false);
}

TEST(HookPayloads, EachHookGetsGoTruesShape) {
  HookOptions o;
  o.send_sms = On("https://app/sms");
  o.send_email = On("https://app/email");
  o.password_verification_attempt = On("https://app/pw");
  o.mfa_verification_attempt = On("https://app/mfa");
  RecordingWebhooks w;
  w.answer = [](const std::string& uri, const json&) -> core::Result<notify::WebhookAnswer> {
    if (uri == "https://app/pw" || uri == "https://app/mfa")
      return Answer(200, {{"decision", "continue"}});
    return Answer(200, json::object());
  };
  Hooks hooks(o, w);
  core::User u;
  u.id = "u1";
  ASSERT_TRUE(hooks.SendSms(u, "123456").ok());
  EXPECT_EQ(w.calls.back().payload["sms"], json({{"otp", "123456"}}));
  EXPECT_EQ(w.calls.back().payload["user"]["id"], "u1");
  EmailHookData d;
  d.token = "654321";
  d.email_action_type = "magiclink";
  ASSERT_TRUE(hooks.SendEmail(u, d).ok());
  const json& e = w.calls.back().payload["email_data"];
  EXPECT_EQ(e["token"], "654321");
  EXPECT_EQ(e["email_action_type"], "magiclink");
  for (const char* k : {"token_hash", "redirect_to", "site_url", "token_new", "token_hash_new"})
    EXPECT_TRUE(e.contains(k)) << k;
  ASSERT_TRUE(hooks.PasswordVerificationAttempt("u1", false).ok());
  EXPECT_EQ(w.calls.back().payload, json({{"user_id", "u1"}, {"valid", false}}));
  ASSERT_TRUE(hooks.MfaVerificationAttempt("u1", "f1", "totp", true).ok());
  EXPECT_EQ(
      w.calls.back().payload,
      json({{"user_id", "u1"}, {"factor_id", "f1"}, {"factor_type", "totp"}, {"valid", true}}));
  // Hooks that are off are not called and let everything through.
  const size_t n = w.calls.size();
  EXPECT_TRUE(hooks.BeforeUserCreated(u).ok());
  EXPECT_TRUE(hooks.AfterUserCreated(u).ok());
  EXPECT_EQ(w.calls.size(), n);
}

class HookFlowTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    options_.custom_access_token = On("https://app/token");
    hooks_ = std::make_unique<Hooks>(options_, webhooks_);
    sessions_->SetHooks(hooks_.get());
  }
  HookOptions options_;
  RecordingWebhooks webhooks_;
  std::unique_ptr<Hooks> hooks_;
};

TEST_F(HookFlowTest, ClaimsOfTheHookAreSignedAtSignInAndRefresh) {
  webhooks_.answer = [](const std::string&, const json& p) -> core::Result<notify::WebhookAnswer> {
    json claims = p["claims"];
    claims["tier"] = p["authentication_method"];
    claims.erase("https://hasura.io/jwt/claims");  // dropped: the token still verifies
    return Answer(200, {{"claims", claims}});
  };
  SessionGrant s = SignUp("claims@example.com");
  EXPECT_EQ(ClaimsOf(s.access_token)["tier"], "password");
  EXPECT_EQ(webhooks_.calls.back().payload["user_id"], s.user.id);
  auto v = tokens_->Verify(s.access_token);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->default_role, "authenticated");
  auto r = sessions_->Refresh(s.refresh_token);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(ClaimsOf(r->access_token)["tier"], "token_refresh");
}

TEST_F(HookFlowTest, AFailingHookMeansNoTokenAndNoLiveSession) {
  webhooks_.answer = [](const std::string&, const json&) -> core::Result<notify::WebhookAnswer> {
    return core::Error(core::errc::kHookTimeout, "down");
  };
  auto out = password_->SignUp({"closed@example.com", "correct horse", {}, client_, &style_});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, core::errc::kHookTimeout);
  auto user = store_->users().FindByEmail("closed@example.com");
  ASSERT_TRUE(user.ok() && user->has_value());
  auto live = sessions_->List((*user)->id);
  ASSERT_TRUE(live.ok());
  EXPECT_TRUE(live->empty()) << "the session made before the hook was asked is revoked";
}

TEST_F(HookFlowTest, HooksOffLeaveTokensAsTheyWere) {
  sessions_->SetHooks(nullptr);
  SessionGrant s = SignUp("plain@example.com");
  EXPECT_TRUE(webhooks_.calls.empty());
  EXPECT_TRUE(ClaimsOf(s.access_token).contains("https://hasura.io/jwt/claims"));
}

TEST_F(HookFlowTest, BeforeUserCreatedRefusesThroughTheHookedStore) {
  HookOptions o;
  o.before_user_created = On("https://app/before");
  o.after_user_created = On("https://app/after");
  RecordingWebhooks w;
  w.answer = [](const std::string& uri, const json& p) -> core::Result<notify::WebhookAnswer> {
    if (uri == "https://app/before" && p["user"]["email"] == "no@example.com")
      return Answer(400, {{"error", {{"http_code", 400}, {"message", "not you"}}}});
    return Answer(204, json::object());
  };
  Hooks hooks(o, w);
  HookedStore hooked(*store_, hooks);
  core::User u;
  u.id = "11111111-1111-4111-8111-111111111111";
  u.email = "no@example.com";
  u.default_role = "user";
  u.roles = {"user"};
  auto refused = hooked.users().Create(u);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kHookRefused);
  EXPECT_EQ(refused.error().message, "not you");
  EXPECT_FALSE(store_->users().FindById(u.id)->has_value());
  ASSERT_EQ(w.calls.size(), 1u);
  EXPECT_EQ(w.calls[0].payload["metadata"]["name"], "before-user-created");
  u.email = "yes@example.com";
  ASSERT_TRUE(hooked.users().Create(u).ok());
  EXPECT_TRUE(store_->users().FindById(u.id)->has_value());
  ASSERT_EQ(w.calls.size(), 3u);
  EXPECT_EQ(w.calls[2].uri, "https://app/after");
}

}  // namespace
}  // namespace gh::auth
