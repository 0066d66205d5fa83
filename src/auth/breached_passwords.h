// auth::BreachedPasswords: refuses new passwords that appear in known data
// breaches (NIST SP 800-63B 5.1.1.2), through Have I Been Pwned's k-anonymity
// range API: GET <api_url>/range/<first 5 hex characters of the SHA-1>, which
// answers every known suffix with that prefix as "SUFFIX:COUNT" lines. Only the
// 5-character prefix leaves the server; Add-Padding asks for decoy lines so that
// the answer's size says nothing either.
//
// Fails open: when the service does not answer within the client's timeout (or
// answers something that is not a range list) the password is accepted and a
// warning logged. A third party's outage must not stop sign-ups.
//
// Where the wait happens: Prefetch() does the lookup and keeps the verdict for a
// minute, for the caller to run on the remote lane before it hands the request
// to the hash lane; Check(), which the flows call, takes a kept verdict, or looks
// the password up itself when none is kept (correct, only slower). Verdicts are
// kept under a keyed hash of the password (a per-process random key), each used
// once.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "net/http_client.h"

namespace gh::auth {

class BreachedPasswords {
 public:
  // `http` answers within its own timeout (password_hibp_timeout_seconds);
  // `api_url` is the range API's base, e.g. https://api.pwnedpasswords.com.
  BreachedPasswords(std::shared_ptr<net::HttpClient> http, std::string api_url);
  BreachedPasswords(const BreachedPasswords&) = delete;
  BreachedPasswords& operator=(const BreachedPasswords&) = delete;

  // Looks `password` up now and keeps the verdict for the next Check().
  void Prefetch(const std::string& password);

  // Error{password-in-hibp-database} when the password is in a breach; Ok when
  // it is not, or when the service could not tell (logged).
  core::Result<void> Check(const std::string& password);

 private:
  enum class Verdict { kBreached, kClean, kUnknown };
  struct Kept {
    Verdict verdict;
    std::chrono::steady_clock::time_point until;
  };

  Verdict Lookup(const std::string& password) const;
  std::string KeyFor(const std::string& password) const;

  std::shared_ptr<net::HttpClient> http_;
  std::string api_url_;    // without a trailing '/'
  std::string cache_key_;  // random, per process

  std::mutex mu_;
  std::unordered_map<std::string, Kept> kept_;  // guarded by mu_
};

}  // namespace gh::auth
