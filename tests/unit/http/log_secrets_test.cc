// What the JSON log lines (access_log_json) carry for a request full of
// secrets: the request id and the path, never a password, token or code from
// the body, the query or the headers. Driven through the real Pipeline, with a
// handler that logs a domain event the way the audit path does.
#include <future>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/access_log.h"
#include "http/pipeline.h"
#include "http/request_scope.h"
#include "http/server_harness.h"

namespace gh::http {
namespace {

std::string ServeAndCapture(Request request, std::string* request_id) {
  auto router = std::make_shared<Router>();
  router->Add("POST", "/v1/signin/email-password", [](Request& req, Responder respond) {
    LogEvent({"signin", "user-1", req.remote_ip, CurrentRequestId()});
    respond(Response::Json(200, R"({"session":{"refreshToken":"rt-in-the-answer"}})"));
  });
  ServerOptions o;
  o.access_log = true;
  o.access_log_json = true;
  o.worker_threads = 1;
  o.errors.SetDefault(testing::TestDialectError);
  ::testing::internal::CaptureStdout();
  {
    Pipeline pipeline(o, router);
    std::promise<Response> answered;
    pipeline.Handle(std::move(request), [&answered](Response r) { answered.set_value(r); });
    Response r = answered.get_future().get();
    for (const auto& [k, v] : r.headers)
      if (k == "X-Request-Id") *request_id = v;
  }
  return ::testing::internal::GetCapturedStdout();
}

Request SecretRequest() {
  Request req;
  req.method = "POST";
  req.target = "/v1/signin/email-password?refresh_token=rt-in-the-query&code=123456";
  req.remote_ip = "10.0.0.7";
  req.headers = {{"authorization", "Bearer at-in-the-header"},
                 {"cookie", "sb-refresh=rt-in-a-cookie"},
                 {"content-type", "application/json"}};
  req.body = R"({"email":"who@example.com","password":"Pa55word-in-the-body",)"
             R"("refreshToken":"rt-in-the-body"})";
  return req;
}

TEST(LogSecretsTest, JsonLinesCarryTheRequestIdAndNoSecret) {
  std::string id;
  std::string out = ServeAndCapture(SecretRequest(), &id);
  ASSERT_EQ(id.size(), 32u);  // none came in: one was generated and echoed
  for (const char* secret :
       {"Pa55word-in-the-body", "rt-in-the-body", "rt-in-the-query", "123456", "at-in-the-header",
        "rt-in-a-cookie", "rt-in-the-answer", "who@example.com"})
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " in " << out;

  // One access line and one event line, each a JSON object naming the request.
  int access = 0, events = 0;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\n', start);
    std::string line = out.substr(start, end - start);
    start = end == std::string::npos ? out.size() : end + 1;
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j["request_id"], id) << line;
    if (j["type"] == "access") {
      ++access;
      EXPECT_EQ(j["path"], "/v1/signin/email-password");
      EXPECT_EQ(j["status"], 200);
    } else if (j["type"] == "event") {
      ++events;
      EXPECT_EQ(j["event"], "signin");
      EXPECT_EQ(j["user_id"], "user-1");
    }
  }
  EXPECT_EQ(access, 1);
  EXPECT_EQ(events, 1);
}

TEST(LogSecretsTest, IncomingRequestIdOnlyWhenShortAndPrintable) {
  std::string id;
  Request req = SecretRequest();
  req.headers.emplace_back("x-request-id", "trace-42");
  ServeAndCapture(req, &id);
  EXPECT_EQ(id, "trace-42");

  req = SecretRequest();
  req.headers.emplace_back("x-request-id", "forged\nline");
  ServeAndCapture(req, &id);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find('\n'), std::string::npos);

  req = SecretRequest();
  req.headers.emplace_back("x-request-id", std::string(200, 'a'));
  ServeAndCapture(req, &id);
  EXPECT_EQ(id.size(), 32u);
}

TEST(LogSecretsTest, NoRequestIdOutsideARequest) { EXPECT_EQ(CurrentRequestId(), ""); }

}  // namespace
}  // namespace gh::http
