#include "auth/breached_passwords.h"

#include <spdlog/spdlog.h>

#include <iterator>
#include <optional>
#include <utility>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

// A verdict is kept this long between Prefetch (remote lane) and Check (the flow
// on the hash lane, normally milliseconds later).
constexpr auto kKeepFor = std::chrono::seconds(60);
// Bounds the memory a burst of sign-ups whose Check never comes can take.
constexpr size_t kMaxKept = 4096;

std::string_view TrimLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line;
}

}  // namespace

BreachedPasswords::BreachedPasswords(std::shared_ptr<net::HttpClient> http, std::string api_url)
    : http_(std::move(http)), api_url_(std::move(api_url)), cache_key_(crypto::RandomBytes(32)) {
  while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
}

std::string BreachedPasswords::KeyFor(const std::string& password) const {
  return crypto::HmacSha256(cache_key_, password);
}

BreachedPasswords::Verdict BreachedPasswords::Lookup(const std::string& password) const {
  const std::string sha1 = crypto::Sha1HexUpper(password);
  const std::string prefix = sha1.substr(0, 5);
  const std::string_view suffix = std::string_view(sha1).substr(5);
  net::HttpRequest req;
  req.url = api_url_ + "/range/" + prefix;
  req.headers = {{"Add-Padding", "true"}, {"User-Agent", "gatehouse"}};
  auto resp = http_->Send(req);
  if (!resp) {
    spdlog::warn("password breach check skipped (password accepted): {}", resp.error().message);
    return Verdict::kUnknown;
  }
  if (resp->status != 200) {
    spdlog::warn("password breach check skipped (password accepted): range API answered {}",
                 resp->status);
    return Verdict::kUnknown;
  }
  std::string_view body = resp->body;
  bool any_line = false;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = TrimLine(body.substr(0, nl));
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon != 35) {
      spdlog::warn("password breach check skipped (password accepted): not a range answer");
      return Verdict::kUnknown;
    }
    any_line = true;
    std::string_view count = line.substr(colon + 1);
    // Padding lines carry a count of 0: decoys, not breached passwords.
    bool real = count.find_first_not_of('0') != std::string_view::npos;
    if (real && line.substr(0, colon) == suffix) return Verdict::kBreached;
  }
  if (!any_line) {
    spdlog::warn("password breach check skipped (password accepted): empty range answer");
    return Verdict::kUnknown;
  }
  return Verdict::kClean;
}

void BreachedPasswords::Prefetch(const std::string& password) {
  Verdict v = Lookup(password);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  if (kept_.size() >= kMaxKept) {
    for (auto it = kept_.begin(); it != kept_.end();)
      it = it->second.until <= now ? kept_.erase(it) : std::next(it);
    if (kept_.size() >= kMaxKept) return;  // Check() will look it up itself
  }
  kept_[KeyFor(password)] = Kept{v, now + kKeepFor};
}

core::Result<void> BreachedPasswords::Check(const std::string& password) {
  std::optional<Verdict> verdict;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = kept_.find(KeyFor(password));
    if (it != kept_.end()) {
      if (it->second.until > std::chrono::steady_clock::now()) verdict = it->second.verdict;
      kept_.erase(it);
    }
  }
  if (!verdict) verdict = Lookup(password);
  if (*verdict == Verdict::kBreached)
    return core::Error(core::errc::kPasswordInHibpDatabase,
                       "This password has appeared in a data breach; choose another one");
  return core::Ok();
}

}  // namespace gh::auth
