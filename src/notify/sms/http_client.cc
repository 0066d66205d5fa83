#include "notify/sms/http_client.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <utility>

#include "notify/sms/sms_sender.h"

namespace gh::notify::sms_http {

core::Result<Response> Post(const Request& req) {
  net::HttpRequest out;
  out.method = "POST";
  out.url = req.url;
  out.body = req.body;
  out.headers = req.headers;
  out.basic_user = req.basic_user;
  out.basic_password = req.basic_password;
  auto resp = net::MakeCurlHttpClient(req.timeout_seconds, core::errc::kCannotSendSms)->Send(out);
  if (!resp) return resp.error();
  return Response{resp->status, std::move(resp->body)};
}

std::string TrimSlash(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

core::Error Fail(std::string_view provider, const std::string& detail) {
  spdlog::warn("sms: {} could not send: {}", provider, detail.substr(0, 500));
  return core::Error(core::errc::kCannotSendSms, "The SMS provider could not send the message");
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
