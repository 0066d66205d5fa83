// auth::PatFlow: personal access tokens. A signed-in user makes a token for
// scripts and tools (with an expiry and labels of their own), lists and
// revokes theirs, and whoever holds one trades it for a session.
//
// A token is 256 bits from the CSPRNG, written as 64 lower-case hex digits in
// UUID-like groups (8-4-4-4-12-32) so that it fits the native contract's
// pattern. It is handed out once, at creation; only its SHA-256 is stored.
//
// A token stands for the user's credentials, second factor included (Nhost
// treats it so): signing in with one starts an aal1 session at once, without
// asking for the second factor. So that a token cannot be made to skip a
// factor the maker never passed, a user with a verified second factor needs an
// aal2 session to create one.
//
// Thread-safe; calls block on the store and belong on a worker thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/sessions.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

// The settings PatFlow reads. Defaults are the settings' defaults.
struct PatOptions {
  int64_t pat_max_ttl_days = 365;
  bool operator==(const PatOptions&) const = default;
};

struct CreatePatRequest {
  std::string user_id;               // from the caller's live session
  std::string session_aal;           // that session's assurance level ("aal1", "aal2")
  core::UnixMillis expires_at = 0;   // required
  std::string metadata_json = "{}";  // a JSON object, as text
  core::ClientInfo client;
};

struct CreatedPat {
  std::string token;  // the raw token: the only time anyone sees it
  core::PersonalAccessToken record;
};

struct PatSignIn {
  std::string token;
  core::ClientInfo client;
};

class PatFlow {
 public:
  // A user keeps at most this many tokens that have not expired.
  static constexpr int kMaxTokensPerUser = 100;
  // Labels are for people; a bound keeps a row small.
  static constexpr size_t kMaxMetadataBytes = 4096;

  // `options` must outlive the flow (it is read at each call).
  PatFlow(store::Store& store, const core::Clock& clock, const PatOptions& options,
          SessionService& sessions);
  PatFlow(const PatFlow&) = delete;
  PatFlow& operator=(const PatFlow&) = delete;

  // A new token for the user. Errors: invalid-token (the user is gone),
  // disabled-user, forbidden-anonymous, insufficient-aal (the user has a verified second factor
  // and the session has not passed it), invalid-request (an expiry not in the
  // future or more than pat_max_ttl_days ahead, metadata over
  // kMaxMetadataBytes, kMaxTokensPerUser live tokens already).
  core::Result<CreatedPat> Create(const CreatePatRequest& request);
  // The user's tokens (never the tokens themselves: rows hold only hashes),
  // expired ones included until housekeeping deletes them, oldest first.
  core::Result<std::vector<core::PersonalAccessToken>> List(std::string_view user_id);
  // Revokes the user's token `id` at once: it signs in to nothing from then
  // on, and the sessions it started end with it. Errors: pat-not-found (no
  // such token of this user's, another user's included).
  core::Result<void> Revoke(std::string_view user_id, std::string_view id,
                            const core::ClientInfo& client);
  // A session for the token's user. Errors: invalid-pat (unknown, revoked or
  // expired token), disabled-user (disabled or banned; no session).
  core::Result<SignInOutcome> SignIn(const PatSignIn& request);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  const PatOptions& options_;
  SessionService& sessions_;
};

}  // namespace gh::auth
