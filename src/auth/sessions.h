// auth::SessionService: starts sessions, rotates refresh tokens with reuse
// detection, and signs sessions out. Every sign-in method ends here.
//
// Refresh tokens are UUID-shaped (as the native spec requires) and stored only as
// SHA-256. The first token of a session is 122 random bits; each successor is
// derived from its predecessor with HMAC under a key shared by every instance
// (kept in the store). That lets a second tab that presents an already-rotated
// token within the grace window be handed the very same successor, without the
// raw successor ever being stored.
//
// Thread-safe; calls block on the store and belong on a worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/hooks.h"
#include "auth/tokens.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace gh::auth {

// A session as handed to a client.
struct SessionGrant {
  std::string access_token;
  int64_t access_token_expires_in = 0;  // seconds
  int64_t access_token_expires_at = 0;  // unix seconds (GoTrue's expires_at)
  std::string refresh_token;
  std::string refresh_token_id;
  int64_t refresh_token_expires_at = 0;  // unix millis
  core::User user;
  core::SessionRecord session;
};

// The MFA challenge returned instead of a session when a second factor is due.
struct MfaChallenge {
  std::string ticket;
};

// What a first-factor sign-in of a user with a verified second factor ends
// in: the dialect's choice, not the flow's. Dialects keep one for the life of
// the process (a constant) and hand it to the flows.
enum class SecondFactorPolicy {
  // No session yet: an MFA ticket that MfaFlow::SignInTotp trades, with a code,
  // for an aal2 session.
  kTicket,
  // An aal1 session at once, and the outcome says that aal2 is reachable
  // through the user's factors (MfaFlow::Challenge, then Verify).
  kStepUp,
};

// With kStepUp: the assurance the session has, the next it can reach, and the
// verified factors that reach it (without secrets).
struct StepUpOffer {
  std::string current_level = "aal1";
  std::string next_level = "aal2";
  std::vector<core::MfaFactor> factors;
};

// Either a session, an MFA challenge, or neither (sign-up awaiting email
// verification); `user` is always set. `step_up` comes with an aal1 session
// when the policy is kStepUp and the user has a verified factor.
struct SignInOutcome {
  core::User user;
  std::optional<SessionGrant> session;
  std::optional<MfaChallenge> mfa;
  std::optional<StepUpOffer> step_up;
};

// The refresh-token settings. Defaults are the settings' defaults.
struct SessionOptions {
  int64_t refresh_token_ttl_seconds = 30LL * 24 * 3600;
  int64_t refresh_token_reuse_grace_seconds = 10;
  bool operator==(const SessionOptions&) const = default;
};

class SessionService {
 public:
  // `derivation_key` is the instance-shared secret for successor tokens.
  // `options` must outlive the service. `mfa_config` is only read for the MFA
  // ticket lifetime (mfa_ticket_ttl_seconds). `second_factor` is the policy of
  // sign-ins whose request names none; kTicket, the safe one (no session before
  // the second factor), is also the native dialect's.
  SessionService(store::Store& store, const core::Clock& clock, const SessionOptions& options,
                 const config::Config& mfa_config, const TokenService& tokens,
                 std::string derivation_key,
                 SecondFactorPolicy second_factor = SecondFactorPolicy::kTicket);
  SessionService(const SessionService&) = delete;
  SessionService& operator=(const SessionService&) = delete;

  // Creates a session for `user` (who must exist) and its first refresh token.
  // `amr` lists the methods used, comma-separated ("password", "otp", ...).
  core::Result<SessionGrant> Start(const core::User& user, const core::ClientInfo& client,
                                   std::string_view amr, std::string_view aal = "aal1");
  // The end of every first-factor sign-in: a session, or, when the user has a
  // verified second factor, what `policy` says (the service's default when
  // null): an MFA ticket instead of a session, or an aal1 session with a
  // StepUpOffer (see auth/mfa.h).
  core::Result<SignInOutcome> StartOrChallenge(const core::User& user,
                                               const core::ClientInfo& client, std::string_view amr,
                                               const SecondFactorPolicy* policy = nullptr);
  // Raises the live session `session_id` of `user` to aal2 after a second
  // factor `method` ("totp") and returns a new access token and a new refresh
  // token for it; the session keeps its id, and its previous refresh token
  // counts as rotated (presented again later, it is a reused token).
  // Errors: session-not-found (no such live session of this user).
  core::Result<SessionGrant> StepUp(const core::User& user, std::string_view session_id,
                                    std::string_view method);
  // Rotates the refresh token, recording `client` as where the session was
  // last seen. Errors: invalid-refresh-token (unknown, expired, revoked),
  // refresh-token-reused (used again after the grace window, which also
  // revokes the session), disabled-user.
  core::Result<SessionGrant> Refresh(std::string_view refresh_token,
                                     const core::ClientInfo& client = {});
  // Revokes the session the token belongs to. An unknown token is not an error
  // (sign-out is idempotent).
  core::Result<void> SignOut(std::string_view refresh_token);
  // Revokes every session of the user; returns how many.
  core::Result<int> SignOutAll(std::string_view user_id);
  // Revokes the session `session_id` of `user_id` (an access token's claims);
  // unknown, another's or already ended is not an error.
  core::Result<void> SignOutSession(std::string_view user_id, std::string_view session_id);
  // Revokes every session of the user but `keep_session_id`; returns how many.
  core::Result<int> SignOutOthers(std::string_view user_id, std::string_view keep_session_id);
  // Ok when the session named by an access token's `session_id` claim is still
  // live: it exists, is not revoked (sign-out, reuse detection, password
  // change) and has not expired. One indexed read. Errors: invalid-token
  // (no session id), session-not-found (the session ended), a store error.
  core::Result<void> RequireLive(std::string_view session_id) const;
  // The user of the token's session while it is live, in one read (the session
  // check and the user lookup of GET /user together). Errors: invalid-token (no
  // session id), session-not-found (the session ended, or it belongs to someone
  // else than `user_id`), disabled-user, a store error.
  core::Result<core::User> LiveSessionUser(std::string_view session_id,
                                           std::string_view user_id) const;
  // The user's live sessions, newest first.
  core::Result<std::vector<core::SessionRecord>> List(std::string_view user_id);

  // The successor of `token` (exposed for tests).
  std::string DeriveSuccessor(std::string_view token) const;

  // With the custom access token hook on, every access token handed out (Start,
  // StepUp, Refresh) carries the claims the hook answers; when it fails, no
  // token: Start, StepUp and Refresh return its error (hook-timeout,
  // hook-refused, hook-failed) and the session Start made is revoked. Null or
  // off = tokens as TokenService::Issue makes them, and nothing else changes.
  // REQUIRES: set before serving; `hooks` outlives the service.
  void SetHooks(const Hooks* hooks) { hooks_ = hooks; }

 private:
  core::Result<SessionGrant> Grant(const core::User& user, const core::SessionRecord& session,
                                   std::string refresh_token,
                                   const core::RefreshTokenRecord& record,
                                   std::string_view method) const;
  // The access token of a grant: TokenService's, or the hook's claims signed.
  core::Result<std::string> AccessToken(const core::User& user, const core::SessionRecord& session,
                                        std::string_view method) const;

  store::Store& store_;
  const core::Clock& clock_;
  const SessionOptions& options_;
  const config::Config& mfa_config_;
  const TokenService& tokens_;
  const std::string derivation_key_;
  const SecondFactorPolicy second_factor_;
  const Hooks* hooks_ = nullptr;
};

// True when `s` has the native spec's refresh-token shape (lower-case UUID).
bool LooksLikeRefreshToken(std::string_view s);

}  // namespace gh::auth
