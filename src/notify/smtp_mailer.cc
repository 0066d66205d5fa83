#include "notify/smtp_mailer.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

namespace gh::notify {
namespace {

std::string Base64(const std::string& in) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// Base64 in lines of 76 characters, CRLF-terminated.
std::string Base64Lines(const std::string& in) {
  std::string b = Base64(in), out;
  for (size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

std::string OneLine(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

std::string RandomHex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kHex[rng() % 16];
  return out;
}

std::string RfcDate() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadPayload(char* ptr, size_t size, size_t nmemb, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  size_t room = size * nmemb;
  size_t left = up->data->size() - up->offset;
  size_t n = left < room ? left : room;
  std::memcpy(ptr, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

std::string EncodeHeaderValue(const std::string& value) {
  std::string v = OneLine(value);
  bool plain = true;
  for (unsigned char c : v) plain = plain && c >= 0x20 && c < 0x7f;
  if (plain) return v;
  return "=?UTF-8?B?" + Base64(v) + "?=";
}

SmtpMailer::SmtpMailer(SmtpOptions options) : options_(std::move(options)) { GlobalInit(); }

std::string SmtpMailer::Compose(const MailMessage& m, const std::string& boundary,
                                const std::string& message_id, const std::string& date) const {
  std::string from = "<" + options_.sender + ">";
  if (!options_.sender_name.empty()) {
    std::string name = EncodeHeaderValue(options_.sender_name);
    if (name.rfind("=?", 0) != 0) {  // a quoted-string: escape quotes and backslashes
      std::string q;
      for (char c : name) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      name = "\"" + q + "\"";
    }
    from = name + " " + from;
  }
  std::string out;
  out += "Date: " + date + "\r\n";
  out += "From: " + from + "\r\n";
  out += "To: <" + OneLine(m.to) + ">\r\n";
  out += "Subject: " + EncodeHeaderValue(m.subject) + "\r\n";
  out += "Message-ID: <" + message_id + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (m.html.empty()) {
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += Base64Lines(m.text);
    return out;
  }
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += Base64Lines(m.text);
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/html; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += Base64Lines(m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

std::string SmtpMailer::Attempt(const MailMessage& m, const std::string& payload) const {
  CURL* curl = curl_easy_init();
  if (!curl) return "curl_easy_init failed";
  char errbuf[CURL_ERROR_SIZE] = {0};
  const bool implicit_tls = options_.security == "tls";
  std::string url = std::string(implicit_tls ? "smtps://" : "smtp://") + options_.host + ":" +
                    std::to_string(options_.port);
  std::string sender = "<" + options_.sender + ">";
  std::string rcpt = "<" + m.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
  Upload upload{&payload};

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  if (options_.security == "starttls") curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!options_.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, sender.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);

  CURLcode rc = curl_easy_perform(curl);
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return {};
  std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  if (response > 0) why += " (last SMTP reply " + std::to_string(response) + ")";
  return why;
}

core::Result<void> SmtpMailer::Send(const MailMessage& m) {
  std::string domain = options_.sender.substr(options_.sender.find('@') + 1);
  std::string payload = Compose(m, "gh-" + RandomHex(24), RandomHex(32) + "@" + domain, RfcDate());
  int backoff = options_.backoff_millis;
  std::string why;
  for (int attempt = 0; attempt <= options_.retries; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
      backoff *= 2;
    }
    why = Attempt(m, payload);
    if (why.empty()) {
      spdlog::debug("mail [{}] to {} accepted by {}:{}", m.kind, m.to, options_.host,
                    options_.port);
      return core::Ok();
    }
    spdlog::warn("mail [{}] to {} via smtp {}:{} attempt {}/{} failed: {}", m.kind, m.to,
                 options_.host, options_.port, attempt + 1, options_.retries + 1, why);
  }
  spdlog::error("mail [{}] to {} NOT delivered: smtp {}:{} ({}) failed {} times, last: {}", m.kind,
                m.to, options_.host, options_.port, options_.security, options_.retries + 1, why);
  return core::Error(core::errc::kUnavailable,
                     "The email could not be sent; please try again later", 30);
}

}  // namespace gh::notify
