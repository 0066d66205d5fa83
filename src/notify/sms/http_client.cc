#include "notify/sms/http_client.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <memory>
#include <mutex>

#include "notify/sms/sms_sender.h"

namespace gh::notify::sms_http {
namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() > (1u << 20)) return 0;  // a provider answer is small; stop a flood
  body->append(data, size * n);
  return size * n;
}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

core::Result<Response> Post(const Request& req) {
  InitOnce();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return core::Error(kCannotSendSms, "curl_easy_init failed");
  struct curl_slist* headers = nullptr;
  for (const auto& [name, value] : req.headers)
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);

  Response out;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(req.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(req.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out.body);
  if (!req.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, req.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, req.basic_password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return core::Error(kCannotSendSms, std::string("request failed: ") + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  auto escape = [](const std::string& s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string e;
    for (unsigned char ch : s) {
      if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
        e += static_cast<char>(ch);
      } else if (ch == ' ') {
        e += '+';
      } else {
        e += '%';
        e += kHex[ch >> 4];
        e += kHex[ch & 15];
      }
    }
    return e;
  };
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += escape(name) + "=" + escape(value);
  }
  return out;
}

std::string TrimSlash(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

core::Error Fail(std::string_view provider, const std::string& detail) {
  spdlog::warn("sms: {} could not send: {}", provider, detail.substr(0, 500));
  return core::Error(kCannotSendSms, "The SMS provider could not send the message");
}

std::string ErrorsDetail(int status, const std::string& body, const char* message_field) {
  std::string detail = "HTTP " + std::to_string(status);
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_object())
        detail += ": " + e.value(message_field, "") + " (code " +
                  (e.contains("code") ? e["code"].dump() : "?") + ")";
  return detail;
}

}  // namespace gh::notify::sms_http
