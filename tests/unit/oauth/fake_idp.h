// A loopback identity provider for the provider tests: a FakeHttpServer whose
// answers are set per path (query string ignored) by the test, plus settings
// pointing a provider's endpoints at it.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "config/config.h"
#include "notify/fake_http_server.h"
#include "oauth/providers/oauth2.h"

namespace gh::testing {

class FakeIdp {
 public:
  FakeIdp()
      : server_([this](const FakeRequest& req) {
          std::string path = req.path.substr(0, req.path.find('?'));
          std::lock_guard<std::mutex> lock(mu_);
          auto it = answers_.find(path);
          if (it != answers_.end()) return it->second;
          FakeResponse missing;
          missing.status = 404;
          missing.body = R"({"error":"not_found"})";
          return missing;
        }) {}

  void Answer(const std::string& path, std::string body, int status = 200) {
    std::lock_guard<std::mutex> lock(mu_);
    FakeResponse r;
    r.status = status;
    r.body = std::move(body);
    answers_[path] = r;
  }

  std::string url() const { return server_.url(); }
  std::vector<FakeRequest> requests() { return server_.requests(); }
  // The last request to `path` (query ignored); fails the test when none.
  FakeRequest Last(const std::string& path) {
    auto all = requests();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->path.substr(0, it->path.find('?')) == path) return *it;
    }
    ADD_FAILURE() << "no request to " << path;
    return {};
  }

  // Settings of a provider `kind` with every endpoint on this server.
  config::OAuthProvider Settings(const std::string& kind) const {
    config::OAuthProvider s;
    s.name = kind == "oidc" ? "acme" : kind;
    s.kind = kind;
    s.enabled = true;
    s.client_id = "client-1";
    s.client_secret = "secret-1";
    s.authorize_url = url() + "/authorize";
    s.token_url = url() + "/token";
    s.userinfo_url = url() + "/userinfo";
    s.jwks_url = url() + "/jwks";
    return s;
  }

 private:
  std::mutex mu_;
  std::map<std::string, FakeResponse> answers_;
  FakeHttpServer server_;  // last: its thread uses the members above
};

// The query parameters of a URL, decoded.
inline std::map<std::string, std::string> QueryOf(const std::string& url) {
  FakeRequest r;
  size_t q = url.find('?');
  r.body = q == std::string::npos ? "" : url.substr(q + 1);
  return r.Form();
}

}  // namespace gh::testing
