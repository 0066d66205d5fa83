#include "net/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "core/percent_encoding.h"

namespace gh::net {
namespace {

// Token, profile, discovery and JWKS answers are a few KiB; a larger body is
// a misconfigured endpoint or a hostile one, and must not grow our memory.
constexpr size_t kMaxBodyBytes = 1 << 20;

struct Collected {
  HttpResponse* response;
  bool too_large = false;
};

size_t CollectBody(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  size_t len = size * n;
  if (c->response->body.size() + len > kMaxBodyBytes) {
    c->too_large = true;
    return 0;  // curl aborts the transfer with CURLE_WRITE_ERROR
  }
  c->response->body.append(data, len);
  return len;
}

std::string TrimSpace(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

size_t CollectHeader(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Collected*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  // A status line starts each response; with no redirects followed there is
  // one, but an interim 100 Continue would start a second header block.
  if (line.rfind("HTTP/", 0) == 0) {
    c->response->headers.clear();
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  c->response->headers.emplace_back(std::move(name), TrimSpace(line.substr(colon + 1)));
  return len;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The host of `url`, for error messages (never the path, which may carry a code).
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient(int timeout_seconds, std::string_view unreachable_code)
      : timeout_seconds_(timeout_seconds), unreachable_code_(unreachable_code) {
    InitCurlOnce();
  }

  core::Result<HttpResponse> Send(const HttpRequest& req) override {
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Fail(req, "curl_easy_init failed");
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : req.headers)
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);

    HttpResponse out;
    Collected collected{&out};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    if (req.method == "POST") {
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    } else if (req.method != "GET") {
      return core::Error(core::errc::kInternal, "unsupported HTTP method " + req.method);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds_));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds_));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    // A service that redirects a back-channel call is misconfigured; following
    // it could carry a client secret or a bearer token to another host.
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &collected);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, CollectHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &collected);
    if (!req.basic_user.empty()) {
      curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(c, CURLOPT_USERNAME, req.basic_user.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, req.basic_password.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (collected.too_large) return Fail(req, "answer larger than 1 MiB");
    if (rc != CURLE_OK) return Fail(req, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
  }

 private:
  core::Error Fail(const HttpRequest& req, std::string_view why) const {
    return core::Error(unreachable_code_,
                       "cannot reach " + HostOf(req.url) + ": " + std::string(why));
  }

  int timeout_seconds_;
  std::string unreachable_code_;
};

void AppendEscaped(std::string_view s, std::string* out) { *out += core::PercentEncode(s); }

}  // namespace

std::unique_ptr<HttpClient> MakeCurlHttpClient(int timeout_seconds,
                                               std::string_view unreachable_code) {
  return std::make_unique<CurlHttpClient>(timeout_seconds, unreachable_code);
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& field : fields) {
    if (!out.empty()) out.push_back('&');
    AppendEscaped(field.first, &out);
    out.push_back('=');
    AppendEscaped(field.second, &out);
  }
  return out;
}

}  // namespace gh::net
