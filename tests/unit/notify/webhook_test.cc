// notify::WebhookSender: Standard Webhooks signing (the specification's own test
// vector), secrets parsing, and the retry rule on 429 / 503 over a scripted
// net::HttpClient.
#include "notify/webhook.h"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

namespace gh::notify {
namespace {

// Answers from a script, records what it was sent.
class ScriptedHttp final : public net::HttpClient {
 public:
  std::deque<core::Result<net::HttpResponse>> script;
  std::vector<net::HttpRequest> sent;
  core::Result<net::HttpResponse> Send(const net::HttpRequest& request) override {
    sent.push_back(request);
    if (script.empty()) return net::HttpResponse{200, "{}", {}};
    auto next = script.front();
    script.pop_front();
    return next;
  }
};

net::HttpResponse Busy(long status, std::string retry_after) {
  net::HttpResponse r{status, "", {}};
  if (!retry_after.empty()) r.headers.push_back({"retry-after", retry_after});
  return r;
}

std::string Header(const net::HttpRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

// The test vector of the Standard Webhooks specification (and its libraries).
constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(WebhookSignature, MatchesTheSpecificationVector) {
  auto keys = ParseWebhookSecrets(std::string("v1,") + kSecret);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(WebhookSignature(*keys, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                             R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, SignsWithEverySecretWhileRotating) {
  auto keys = ParseWebhookSecrets(std::string("v1,") + kSecret + " | v1,whsec_c2Vjb25k");
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[1], "second");
  const std::string header = WebhookSignature(*keys, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                                              R"({"test": 2432232314})");
  EXPECT_EQ(header.rfind("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,", 0), 0u) << header;
  EXPECT_EQ(std::count(header.begin(), header.end(), ' '), 1);
}

TEST(WebhookSecrets, BareWhsecIsRead) {
  auto keys = ParseWebhookSecrets(kSecret);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 1u);
}

TEST(WebhookSecrets, ABadOneIsNamedByPositionNotQuoted) {
  auto r = ParseWebhookSecrets(std::string("v1,") + kSecret + "|v1,plaintext-secret");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("secret 2"), std::string::npos);
  EXPECT_EQ(r.error().message.find("plaintext-secret"), std::string::npos);
  EXPECT_FALSE(ParseWebhookSecrets("").ok());
  EXPECT_FALSE(ParseWebhookSecrets("v1,whsec_").ok());
  EXPECT_FALSE(ParseWebhookSecrets("v1,whsec_***").ok());
}

struct Fixture {
  std::shared_ptr<ScriptedHttp> http = std::make_shared<ScriptedHttp>();
  std::vector<int64_t> waits;
  std::unique_ptr<WebhookSender> sender;
  explicit Fixture(WebhookPolicy policy = {}) {
    sender = MakeWebhookSender(http, policy, [this](int64_t ms) { waits.push_back(ms); });
  }
  WebhookTarget target{"https://app.example/hooks/token?key=k", std::string("v1,") + kSecret};
};

TEST(WebhookSender, PostsSignedJson) {
  Fixture f;
  auto r = f.sender->Post(f.target, R"({"a":1})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  ASSERT_EQ(f.http->sent.size(), 1u);
  const net::HttpRequest& req = f.http->sent[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, f.target.uri);
  EXPECT_EQ(req.body, R"({"a":1})");
  EXPECT_EQ(Header(req, "Content-Type"), "application/json");
  const std::string id = Header(req, "webhook-id");
  const std::string ts = Header(req, "webhook-timestamp");
  EXPECT_EQ(id.rfind("msg_", 0), 0u);
  EXPECT_FALSE(ts.empty());
  auto keys = ParseWebhookSecrets(f.target.secrets);
  EXPECT_EQ(Header(req, "webhook-signature"), WebhookSignature(*keys, id, ts, req.body));
}

TEST(WebhookSender, Retries503HonouringRetryAfterWithTheSameId) {
  Fixture f;
  f.http->script = {Busy(503, "2"), Busy(429, ""), net::HttpResponse{200, R"({"ok":true})", {}}};
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->body, R"({"ok":true})");
  ASSERT_EQ(f.http->sent.size(), 3u);
  EXPECT_EQ(f.waits, (std::vector<int64_t>{2000, 1000}));  // 1 s without a Retry-After
  EXPECT_EQ(Header(f.http->sent[0], "webhook-id"), Header(f.http->sent[2], "webhook-id"));
}

TEST(WebhookSender, GivesUpAfterTheAttemptsAsTimeout) {
  Fixture f(WebhookPolicy{3, 60});
  f.http->script = {Busy(503, "0"), Busy(503, "0"), Busy(503, "0"), Busy(503, "0")};
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kHookTimeout);
  EXPECT_EQ(f.http->sent.size(), 3u);
  EXPECT_NE(r.error().message.find("app.example"), std::string::npos);
  EXPECT_EQ(r.error().message.find("key=k"), std::string::npos) << "no query in messages";
}

TEST(WebhookSender, ARetryAfterBeyondTheBudgetIsNotWaited) {
  Fixture f(WebhookPolicy{5, 3});
  f.http->script = {Busy(429, "30")};
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kHookTimeout);
  EXPECT_TRUE(f.waits.empty());
  EXPECT_EQ(f.http->sent.size(), 1u);
}

TEST(WebhookSender, OtherStatusesComeBackAsAnswered) {
  Fixture f;
  f.http->script = {net::HttpResponse{400, R"({"error":{"message":"no"}})", {}}};
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(f.http->sent.size(), 1u);
}

TEST(WebhookSender, NoAnswerIsTimeout) {
  Fixture f;
  f.http->script = {core::Error(core::errc::kHookTimeout, "connect refused")};
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kHookTimeout);
}

TEST(WebhookSender, UnreadableSecretsFailWithoutACall) {
  Fixture f;
  f.target.secrets = "hunter2";
  auto r = f.sender->Post(f.target, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kHookFailed);
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
  EXPECT_TRUE(f.http->sent.empty());
}

}  // namespace
}  // namespace gh::notify
