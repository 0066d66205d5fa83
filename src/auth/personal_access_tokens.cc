#include "auth/personal_access_tokens.h"

#include "auth/account.h"
#include "auth/audit.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {
namespace {

constexpr int64_t kDayMillis = 24LL * 3600 * 1000;
constexpr size_t kTokenBytes = 32;
// 64 hex digits and 5 dashes; anything longer is no token of ours and is not
// hashed (the body limit bounds it anyway).
constexpr size_t kTokenLength = 2 * kTokenBytes + 5;

// 64 hex digits as 8-4-4-4-12-32: the native contract's UUID pattern is not
// anchored, so a token this long still fits it.
std::string NewToken() {
  const std::string hex = crypto::HexEncode(crypto::RandomBytes(kTokenBytes));
  std::string out;
  out.reserve(kTokenLength);
  size_t at = 0;
  for (size_t len : {8, 4, 4, 4, 12, 32}) {
    if (at != 0) out += '-';
    out.append(hex, at, len);
    at += len;
  }
  return out;
}

core::Error InvalidPat() {
  return core::Error(core::errc::kInvalidPat, "Invalid or expired personal access token");
}

std::string IdData(const std::string& id) { return "{\"pat_id\":\"" + id + "\"}"; }

}  // namespace

PatFlow::PatFlow(store::Store& store, const core::Clock& clock, const PatOptions& options,
                 SessionService& sessions)
    : store_(store), clock_(clock), options_(options), sessions_(sessions) {}

core::Result<CreatedPat> PatFlow::Create(const CreatePatRequest& req) {
  const core::UnixMillis now = clock_.NowMillis();
  auto found = store_.users().FindById(req.user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kInvalidToken, "User no longer exists");
  const core::User& user = **found;
  if (auto active = RequireActive(user, now); !active) return active.error();
  // A token outlives any session; an anonymous account is meant to be
  // converted or pruned, not scripted.
  if (user.is_anonymous)
    return core::Error(core::errc::kForbiddenAnonymous,
                       "Anonymous users cannot create personal access tokens");
  if (user.verified_mfa_type && req.session_aal != "aal2")
    return core::Error(core::errc::kInsufficientAal,
                       "A user with a second factor needs a session that passed it (aal2) to "
                       "create a personal access token");
  if (req.expires_at <= now)
    return core::Error(core::errc::kInvalidRequest, "\"expiresAt\" must be in the future");
  if (req.expires_at - now > options_.pat_max_ttl_days * kDayMillis)
    return core::Error(
        core::errc::kInvalidRequest,
        "\"expiresAt\" is more than " + std::to_string(options_.pat_max_ttl_days) + " days ahead");
  if (req.metadata_json.size() > kMaxMetadataBytes)
    return core::Error(
        core::errc::kInvalidRequest,
        "\"metadata\" is longer than " + std::to_string(kMaxMetadataBytes) + " bytes");
  auto existing = store_.pats().ListForUser(user.id);
  if (!existing) return existing.error();
  int live = 0;
  for (const auto& t : *existing) live += t.expires_at > now ? 1 : 0;
  if (live >= kMaxTokensPerUser)
    return core::Error(core::errc::kInvalidRequest,
                       "At most " + std::to_string(kMaxTokensPerUser) +
                           " personal access tokens; revoke one first");

  CreatedPat out;
  out.token = NewToken();
  core::PersonalAccessToken& t = out.record;
  t.id = crypto::RandomUuid();
  t.user_id = user.id;
  t.token_hash = crypto::Sha256Hex(out.token);
  t.metadata_json = req.metadata_json.empty() ? "{}" : req.metadata_json;
  t.created_at = now;
  t.expires_at = req.expires_at;
  if (auto r = store_.pats().Create(t); !r) return r.error();
  RecordAudit(store_, now, "pat-create", user.id, req.client, IdData(t.id));
  return out;
}

core::Result<std::vector<core::PersonalAccessToken>> PatFlow::List(std::string_view user_id) {
  return store_.pats().ListForUser(user_id);
}

core::Result<void> PatFlow::Revoke(std::string_view user_id, std::string_view id,
                                   const core::ClientInfo& client) {
  auto gone = store_.pats().Revoke(id, user_id, clock_.NowMillis());
  if (!gone) return gone.error();
  if (!*gone)
    return core::Error(core::errc::kPatNotFound, "No such personal access token of this user");
  RecordAudit(store_, clock_.NowMillis(), "pat-revoke", std::string(user_id), client,
              IdData(std::string(id)));
  return core::Ok();
}

core::Result<SignInOutcome> PatFlow::SignIn(const PatSignIn& req) {
  const core::UnixMillis now = clock_.NowMillis();
  if (req.token.empty() || req.token.size() > kTokenLength) return InvalidPat();
  // A lookup by the token's hash: the stored value is never compared with
  // the token itself, so the lookup's timing says nothing about it.
  auto found = store_.pats().FindByHash(crypto::Sha256Hex(req.token));
  if (!found) return found.error();
  if (!found->has_value()) {
    RecordAudit(store_, now, "signin-pat-failed", std::nullopt, req.client);
    return InvalidPat();
  }
  const core::PersonalAccessToken pat = **found;
  if (pat.expires_at <= now) {
    RecordAudit(store_, now, "signin-pat-failed", pat.user_id, req.client, IdData(pat.id));
    return InvalidPat();
  }
  auto user = store_.users().FindById(pat.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return InvalidPat();  // deleted meanwhile (the rows cascade)
  if (auto active = RequireActive(**user, now); !active) {
    RecordAudit(store_, now, "signin-pat-failed", pat.user_id, req.client, IdData(pat.id));
    return active.error();
  }
  // The token is the whole credential: no second-factor ticket (see the header).
  auto session = sessions_.Start(**user, req.client, "pat");
  if (!session) return session.error();
  auto recorded = store_.pats().RecordSignIn(pat.id, session->session.id, now);
  if (!recorded || !*recorded) {
    // Revoked meanwhile (or the link could not be kept): a session Revoke
    // cannot find must not outlive the token.
    (void)store_.sessions().Revoke(session->session.id, "pat-revoked", now);
    if (!recorded) return recorded.error();
    return InvalidPat();
  }
  RecordAudit(store_, now, "signin-pat", pat.user_id, req.client, IdData(pat.id));
  SignInOutcome out;
  out.user = **user;
  out.session = std::move(*session);
  return out;
}

}  // namespace gh::auth
