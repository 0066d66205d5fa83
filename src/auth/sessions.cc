#include "auth/sessions.h"

#include "auth/account.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "core/text.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

core::Error InvalidRefreshToken() {
  return core::Error(core::errc::kInvalidRefreshToken, "Invalid or expired refresh token");
}

core::Error SessionEnded() {
  return core::Error(core::errc::kSessionNotFound, "the session of this access token has ended");
}

}  // namespace

bool LooksLikeRefreshToken(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

SessionService::SessionService(store::Store& store, const core::Clock& clock,
                               const SessionOptions& options, const config::Config& mfa_config,
                               const TokenService& tokens, std::string derivation_key,
                               SecondFactorPolicy second_factor)
    : store_(store),
      clock_(clock),
      options_(options),
      mfa_config_(mfa_config),
      tokens_(tokens),
      derivation_key_(std::move(derivation_key)),
      second_factor_(second_factor) {}

std::string SessionService::DeriveSuccessor(std::string_view token) const {
  return crypto::FormatUuidV4(crypto::HmacSha256(derivation_key_, token));
}

core::Result<SessionGrant> SessionService::Grant(const core::User& user,
                                                 const core::SessionRecord& session,
                                                 std::string refresh_token,
                                                 const core::RefreshTokenRecord& record,
                                                 std::string_view method) const {
  auto access = AccessToken(user, session, method);
  if (!access) return access.error();
  SessionGrant g;
  g.access_token = std::move(*access);
  g.access_token_expires_in = tokens_.access_ttl_seconds();
  g.access_token_expires_at = clock_.NowSeconds() + g.access_token_expires_in;
  g.refresh_token = std::move(refresh_token);
  g.refresh_token_id = record.id;
  g.refresh_token_expires_at = record.expires_at;
  g.user = user;
  g.session = session;
  return g;
}

core::Result<std::string> SessionService::AccessToken(const core::User& user,
                                                      const core::SessionRecord& session,
                                                      std::string_view method) const {
  if (hooks_ == nullptr || !hooks_->options().custom_access_token.enabled)
    return tokens_.Issue(user, session);
  auto claims = hooks_->CustomizeAccessToken(user.id, tokens_.ClaimsJson(user, session), method);
  if (!claims) return claims.error();
  return tokens_.SignClaims(*claims);
}

core::Result<SessionGrant> SessionService::Start(const core::User& user,
                                                 const core::ClientInfo& client,
                                                 std::string_view amr, std::string_view aal) {
  const core::UnixMillis now = clock_.NowMillis();
  const core::UnixMillis expires = now + options_.refresh_token_ttl_seconds * 1000;
  core::SessionRecord session;
  session.id = crypto::RandomUuid();
  session.user_id = user.id;
  session.created_at = now;
  session.refreshed_at = now;
  session.expires_at = expires;
  // From request headers: cleaned so that no store refuses it (PostgreSQL
  // rejects invalid UTF-8), cut between characters.
  session.user_agent = core::CleanText(client.user_agent, 512);
  session.ip = core::CleanText(client.ip, 64);
  session.refreshed_user_agent = session.user_agent;  // last seen where it signed in
  session.refreshed_ip = session.ip;
  session.aal = std::string(aal);
  session.amr = std::string(amr);

  std::string token = crypto::RandomUuid();
  core::RefreshTokenRecord record;
  record.id = crypto::RandomUuid();
  record.session_id = session.id;
  record.user_id = user.id;
  record.token_hash = crypto::Sha256Hex(token);
  record.created_at = now;
  record.expires_at = expires;
  if (auto r = store_.sessions().Create(session, record); !r) return r.error();
  // GoTrue's authentication_method: the first factor the session started with.
  auto granted = Grant(user, session, std::move(token), record, amr.substr(0, amr.find(',')));
  if (!granted) (void)store_.sessions().Revoke(session.id, "hook-failed", now);
  return granted;
}

core::Result<SignInOutcome> SessionService::StartOrChallenge(const core::User& user,
                                                             const core::ClientInfo& client,
                                                             std::string_view amr,
                                                             const SecondFactorPolicy* policy) {
  SignInOutcome out;
  out.user = user;
  const SecondFactorPolicy chosen = policy != nullptr ? *policy : second_factor_;
  if (MfaRequired(user) && chosen == SecondFactorPolicy::kTicket) {
    auto challenge = IssueMfaTicket(store_, clock_, mfa_config_.mfa_ticket_ttl_seconds, user, amr);
    if (!challenge) return challenge.error();
    out.mfa = std::move(*challenge);
    return out;
  }
  if (MfaRequired(user)) {
    auto factors = store_.factors().ListForUser(user.id);
    if (!factors) return factors.error();
    StepUpOffer offer;
    for (core::MfaFactor& f : *factors) {
      if (!f.verified()) continue;
      f.secret_encrypted.reset();
      offer.factors.push_back(std::move(f));
    }
    out.step_up = std::move(offer);
  }
  auto session = Start(user, client, amr);
  if (!session) return session.error();
  out.session = std::move(*session);
  return out;
}

core::Result<SessionGrant> SessionService::StepUp(const core::User& user,
                                                  std::string_view session_id,
                                                  std::string_view method) {
  const core::Error ended = SessionEnded();
  auto found = store_.sessions().Find(session_id);
  if (!found) return found.error();
  const core::UnixMillis now = clock_.NowMillis();
  if (!found->has_value() || (*found)->user_id != user.id || (*found)->revoked_at ||
      (*found)->expires_at <= now)
    return ended;
  core::SessionRecord session = **found;
  bool listed = false;
  for (std::string_view rest = session.amr; !rest.empty();) {
    const size_t comma = rest.find(',');
    if (rest.substr(0, comma) == method) listed = true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (!listed) session.amr += (session.amr.empty() ? "" : ",") + std::string(method);
  session.aal = "aal2";
  // A new refresh token for the stepped-up session (as GoTrue's verify hands
  // out): the aal1 one stops being current, so whoever holds only that token
  // cannot keep the session going past the second factor.
  std::string token = crypto::RandomUuid();
  core::RefreshTokenRecord record;
  record.id = crypto::RandomUuid();
  record.session_id = session.id;
  record.user_id = user.id;
  record.token_hash = crypto::Sha256Hex(token);
  record.created_at = now;
  record.expires_at = now + options_.refresh_token_ttl_seconds * 1000;
  auto elevated = store_.sessions().Elevate(session.id, session.aal, session.amr, record, now);
  if (!elevated) return elevated.error();
  if (!*elevated) return ended;  // revoked meanwhile
  session.refreshed_at = now;
  session.expires_at = record.expires_at;
  return Grant(user, session, std::move(token), record, method);
}

core::Result<SessionGrant> SessionService::Refresh(std::string_view refresh_token,
                                                   const core::ClientInfo& client) {
  if (!LooksLikeRefreshToken(refresh_token)) return InvalidRefreshToken();
  const core::UnixMillis now = clock_.NowMillis();
  std::string successor = DeriveSuccessor(refresh_token);

  store::RotateRequest req;
  req.presented_hash = crypto::Sha256Hex(refresh_token);
  req.successor.id = crypto::RandomUuid();
  req.successor.token_hash = crypto::Sha256Hex(successor);
  req.successor.created_at = now;
  req.successor.expires_at = now + options_.refresh_token_ttl_seconds * 1000;
  req.now = now;
  req.grace_millis = options_.refresh_token_reuse_grace_seconds * 1000;
  req.client.user_agent = core::CleanText(client.user_agent, 512);  // as Start cleans them
  req.client.ip = core::CleanText(client.ip, 64);

  auto rotated = store_.sessions().Rotate(req);
  if (!rotated) return rotated.error();
  switch (rotated->status) {
    case store::RotateStatus::kRotated:
    case store::RotateStatus::kGraceSuccessor:
      break;
    case store::RotateStatus::kReuseDetected: {
      RecordAudit(store_, now, "token-reuse", rotated->session.user_id, {},
                  "{\"session_id\":\"" + rotated->session.id + "\"}");
      return core::Error(core::errc::kRefreshTokenReused,
                         "Refresh token already used; the session has been revoked");
    }
    default:
      NoticeEvent(store_, now, "token-refresh-failed");
      return InvalidRefreshToken();
  }
  // The successor's hash must be the one we derive; anything else means the
  // chain was not built by this key (e.g. a changed secret) and cannot be handed out.
  if (!crypto::ConstantTimeEquals(rotated->current.token_hash, req.successor.token_hash))
    return InvalidRefreshToken();

  std::optional<core::User> user = std::move(rotated->user);
  if (!user) {
    auto found = store_.users().FindById(rotated->session.user_id);
    if (!found) return found.error();
    user = std::move(*found);
  }
  if (!user) return InvalidRefreshToken();
  if (auto active = RequireActive(*user, now); !active) {
    (void)store_.sessions().Revoke(rotated->session.id, "user-disabled", now);
    return active.error();
  }
  NoticeEvent(store_, now, "token-refresh", user->id);
  return Grant(*user, rotated->session, std::move(successor), rotated->current, "token_refresh");
}

core::Result<void> SessionService::SignOut(std::string_view refresh_token) {
  if (!LooksLikeRefreshToken(refresh_token)) return core::Ok();
  auto session = store_.sessions().FindByTokenHash(crypto::Sha256Hex(refresh_token));
  if (!session) return session.error();
  if (!session->has_value()) return core::Ok();
  const core::UnixMillis now = clock_.NowMillis();
  auto r = store_.sessions().Revoke((*session)->id, "signout", now);
  if (!r) return r;
  RecordAudit(store_, now, "signout", (*session)->user_id);
  return core::Ok();
}

core::Result<int> SessionService::SignOutAll(std::string_view user_id) {
  const core::UnixMillis now = clock_.NowMillis();
  auto n = store_.sessions().RevokeAllForUser(user_id, "signout-all", now);
  if (!n) return n.error();
  RecordAudit(store_, now, "signout-all", std::string(user_id));
  return *n;
}

core::Result<void> SessionService::SignOutSession(std::string_view user_id,
                                                  std::string_view session_id) {
  auto session = store_.sessions().Find(session_id);
  if (!session) return session.error();
  if (!session->has_value() || (*session)->user_id != user_id) return core::Ok();
  const core::UnixMillis now = clock_.NowMillis();
  auto r = store_.sessions().Revoke(session_id, "signout", now);
  if (!r) return r;
  RecordAudit(store_, now, "signout", std::string(user_id));
  return core::Ok();
}

core::Result<int> SessionService::SignOutOthers(std::string_view user_id,
                                                std::string_view keep_session_id) {
  const core::UnixMillis now = clock_.NowMillis();
  auto n = store_.sessions().RevokeAllForUser(user_id, "signout-others", now, keep_session_id);
  if (!n) return n.error();
  RecordAudit(store_, now, "signout-others", std::string(user_id));
  return *n;
}

core::Result<void> SessionService::RequireLive(std::string_view session_id) const {
  if (session_id.empty())
    return core::Error(core::errc::kInvalidToken, "access token names no session");
  auto session = store_.sessions().Find(session_id);
  if (!session) return session.error();
  if (!session->has_value() || (*session)->revoked_at ||
      (*session)->expires_at <= clock_.NowMillis())
    return SessionEnded();
  return core::Ok();
}

core::Result<core::User> SessionService::LiveSessionUser(std::string_view session_id,
                                                         std::string_view user_id) const {
  if (session_id.empty())
    return core::Error(core::errc::kInvalidToken, "access token names no session");
  auto user = store_.users().FindByLiveSession(session_id, clock_.NowMillis());
  if (!user) return user.error();
  // A token whose sub is not its session's user was not minted by us.
  if (!user->has_value() || (*user)->id != user_id) return SessionEnded();
  if (auto active = RequireActive(**user, clock_.NowMillis()); !active) return active.error();
  return std::move(**user);
}

core::Result<std::vector<core::SessionRecord>> SessionService::List(std::string_view user_id) {
  return store_.sessions().ListForUser(user_id, clock_.NowMillis());
}

}  // namespace gh::auth
