// OAuthFlow, part one: the redirect dance (Start, Callback), grant codes and
// ID-token sign-in. Who a profile is, linking and unlinking live in
// oauth_identities.cc.
#include "auth/oauth.h"
#include "auth/account.h"
#include "auth/audit.h"

#include <nlohmann/json.hpp>

#include <cctype>

#include "auth/mfa.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace gh::auth {

namespace {

using Json = nlohmann::json;

// What a request keeps besides its columns, as oauth_requests.options: the
// sign-up options, the grant flag, and the callback URL the provider was given
// (the token exchange must send the same redirect_uri, and the start's
// dialect, not the callback's, wrote it).
struct StoredOptions {
  SignUpOptions options;
  bool grant = false;
  std::string callback_url;           // empty in requests stored before it was kept
  std::string code_challenge;         // the app's PKCE challenge; empty = none
  std::string code_challenge_method;  // "s256" or "plain"
};

// Our own key names (snake_case, no dialect's). Requests stored by 0.1.0 used
// the native request's names; a start before an upgrade may be finished after
// it, so those are still read.
std::string OptionsToJson(const SignUpOptions& o, const StoredOptions& flags) {
  Json j = Json::object();
  if (o.display_name) j["display_name"] = *o.display_name;
  if (o.locale) j["locale"] = *o.locale;
  if (o.default_role) j["default_role"] = *o.default_role;
  if (o.allowed_roles) j["allowed_roles"] = *o.allowed_roles;
  // Kept as text so the metadata reaches the user byte for byte.
  if (o.metadata_json) j["metadata"] = *o.metadata_json;
  if (flags.grant) j["grant"] = true;
  j["callback_url"] = flags.callback_url;
  if (!flags.code_challenge.empty()) {
    j["code_challenge"] = flags.code_challenge;
    j["code_challenge_method"] = flags.code_challenge_method;
  }
  return j.dump();
}

StoredOptions OptionsFromJson(const std::string& text) {
  StoredOptions stored;
  SignUpOptions& o = stored.options;
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return stored;
  // The member named `key`, or `legacy_key` in a request stored by 0.1.0.
  auto member = [&j](const char* key, const char* legacy_key) -> const Json* {
    auto it = j.find(key);
    if (it == j.end()) it = j.find(legacy_key);
    return it == j.end() ? nullptr : &*it;
  };
  auto str = [&member](const char* key, const char* legacy_key) -> std::optional<std::string> {
    const Json* v = member(key, legacy_key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return v->get<std::string>();
  };
  o.display_name = str("display_name", "displayName");
  o.locale = str("locale", "locale");
  o.default_role = str("default_role", "defaultRole");
  o.metadata_json = str("metadata", "metadata");
  if (const Json* roles_json = member("allowed_roles", "allowedRoles");
      roles_json != nullptr && roles_json->is_array()) {
    std::vector<std::string> roles;
    for (const auto& r : *roles_json)
      if (r.is_string()) roles.push_back(r.get<std::string>());
    o.allowed_roles = std::move(roles);
  }
  if (auto it = j.find("grant"); it != j.end() && it->is_boolean()) stored.grant = it->get<bool>();
  if (auto url = str("callback_url", "callbackUrl")) stored.callback_url = std::move(*url);
  if (auto c = str("code_challenge", "code_challenge")) stored.code_challenge = std::move(*c);
  if (auto m = str("code_challenge_method", "code_challenge_method"))
    stored.code_challenge_method = std::move(*m);
  return stored;
}

// The key a request is stored under: the state's hash, mixed with the browser's
// binding when the start had one, so that the state is useless without it.
std::string RequestKey(std::string_view state, std::string_view binding) {
  if (binding.empty()) return crypto::Sha256Hex(state);
  return crypto::Sha256Hex(std::string(binding) + "." + std::string(state));
}

core::Error InvalidState() {
  return core::Error(core::errc::kInvalidState,
                     "The sign-in request is unknown, expired or was already used; start again");
}

// RFC 7636 4.2: a challenge (and a verifier) is 43 to 128 characters of
// [A-Za-z0-9-._~].
bool IsPkceString(std::string_view s) {
  if (s.size() < 43 || s.size() > 128) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_' &&
        c != '~')
      return false;
  return true;
}

// The method in our spelling ("s256", "plain"), or empty when unknown.
std::string PkceMethod(std::string_view method) {
  std::string m;
  for (char c : method) m += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return m == "s256" || m == "plain" ? m : std::string();
}

core::Result<void> CheckChallenge(const OAuthStart& r) {
  if (r.code_challenge.empty() != r.code_challenge_method.empty())
    return core::Error(core::errc::kInvalidRequest,
                       "A PKCE sign-in needs both code_challenge and code_challenge_method");
  if (r.code_challenge.empty()) return core::Ok();
  if (PkceMethod(r.code_challenge_method).empty())
    return core::Error(core::errc::kInvalidRequest, "code_challenge_method must be s256 or plain");
  if (!IsPkceString(r.code_challenge))
    return core::Error(core::errc::kInvalidRequest,
                       "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~");
  return core::Ok();
}

// Whether `verifier` is the one `challenge` was made from.
bool VerifierMatches(const std::string& verifier, const std::string& challenge,
                     const std::string& method) {
  if (!IsPkceString(verifier)) return false;
  const std::string expected =
      method == "plain" ? verifier : crypto::Base64UrlEncode(crypto::Sha256(verifier));
  return crypto::ConstantTimeEquals(expected, challenge);
}

OAuthOutcome Failed(std::string redirect_to, core::Error error) {
  OAuthOutcome out;
  out.kind = OAuthOutcome::Kind::kError;
  out.redirect_to = std::move(redirect_to);
  out.error = std::move(error);
  return out;
}

}  // namespace

core::Error ManualLinkingDisabled() {
  return core::Error(core::errc::kManualLinkingDisabled,
                     "Linking and unlinking identities is switched off on this server");
}

OAuthFlow::OAuthFlow(store::Store& store, const core::Clock& clock, const OAuthOptions& options,
                     const TokenService& tokens, SessionService& sessions,
                     const oauth::Catalogue* catalogue, std::string_view key_material)
    : store_(store),
      clock_(clock),
      options_(options),
      tokens_(tokens),
      sessions_(sessions),
      catalogue_(catalogue),
      box_(key_material) {}

std::string OAuthFlow::NewBinding() { return crypto::RandomToken(32); }

bool OAuthFlow::LooksLikeBinding(std::string_view value) {
  if (value.size() != 43) return false;  // 32 bytes, base64url without padding
  for (char c : value)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

std::vector<std::string> OAuthFlow::ProviderNames() const {
  return catalogue_ != nullptr ? catalogue_->Names() : std::vector<std::string>();
}

core::Result<oauth::Provider*> OAuthFlow::Find(std::string_view name, bool need_id_token) const {
  oauth::Provider* p = catalogue_ != nullptr ? catalogue_->Find(name) : nullptr;
  if (p == nullptr || (need_id_token && !p->supports_id_token()))
    return core::Error(core::errc::kDisabledEndpoint,
                       "Sign-in with " + std::string(name) + " is not enabled");
  return p;
}

core::Result<std::string> OAuthFlow::Start(const OAuthStart& request) {
  auto provider = Find(request.provider, false);
  if (!provider) return provider.error();
  if (request.links == nullptr) return NoLinkStyle();

  // Everything the callback would refuse is refused now, while the app can
  // still show a JSON error instead of a dead end at the provider.
  const std::string redirect_to =
      request.options.redirect_to && !request.options.redirect_to->empty()
          ? *request.options.redirect_to
          : options_.users.redirects.client_url;
  if (!IsRedirectAllowed(options_.users.redirects, redirect_to))
    return core::Error(core::errc::kRedirectNotAllowed, "The redirect URL is not allowed");
  core::User scratch = NewUser(options_.users, clock_.NowMillis());
  if (auto r = ApplySignUpOptions(options_.users, request.options, scratch); !r) return r.error();
  if (auto r = CheckChallenge(request); !r) return r.error();

  store::OAuthRequest stored;
  if (request.connect) {
    if (!options_.manual_linking_enabled) return ManualLinkingDisabled();
    auto claims = tokens_.Verify(*request.connect);
    if (!claims) return claims.error();
    // A signed-out session must not link a provider to its user.
    if (auto live = sessions_.RequireLive(claims->session_id); !live) return live.error();
    if (claims->is_anonymous)
      return core::Error(core::errc::kForbiddenAnonymous,
                         "Anonymous users cannot link a provider; deanonymize first");
    auto user = store_.users().FindById(claims->user_id);
    if (!user) return user.error();
    if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
    if (auto active = RequireActive(**user, clock_.NowMillis()); !active) return active.error();
    stored.connect_user_id = claims->user_id;
  }

  const std::string state = crypto::RandomToken(32);
  oauth::AuthorizeParams params;
  params.state = state;
  params.redirect_uri = request.links->OAuthCallbackUrl((*provider)->name());
  params.extra = request.extra;
  params.scopes = request.scopes;
  if ((*provider)->supports_pkce()) {
    stored.code_verifier = crypto::RandomToken(32);  // 43 characters, as RFC 7636 asks
    params.code_challenge = crypto::Base64UrlEncode(crypto::Sha256(stored.code_verifier));
  }
  if ((*provider)->supports_id_token()) {
    stored.nonce = crypto::RandomToken(16);
    params.nonce = stored.nonce;
  }
  auto url = (*provider)->AuthorizeUrl(params);
  if (!url) return url.error();

  const core::UnixMillis now = clock_.NowMillis();
  stored.state_hash = RequestKey(state, request.binding);
  stored.provider = (*provider)->name();
  stored.redirect_to = redirect_to;
  StoredOptions flags;
  flags.grant = request.grant || !request.code_challenge.empty();
  flags.callback_url = params.redirect_uri;
  flags.code_challenge = request.code_challenge;
  flags.code_challenge_method = PkceMethod(request.code_challenge_method);
  stored.options_json = OptionsToJson(request.options, flags);
  stored.created_at = now;
  stored.expires_at = now + int64_t{options_.oauth_request_ttl_seconds} * 1000;
  if (auto r = store_.oauth().InsertRequest(stored); !r) return r.error();
  return std::move(*url);
}

OAuthOutcome OAuthFlow::Callback(const OAuthCallback& callback) {
  if (callback.state.empty()) return Failed(options_.users.redirects.client_url, InvalidState());
  const core::UnixMillis now = clock_.NowMillis();
  auto taken = store_.oauth().TakeRequest(RequestKey(callback.state, callback.binding), now);
  // A start the browser could not keep a cookie for (a link started by an
  // app's fetch) was stored under its state alone; a browser that holds a
  // binding from another sign-in still finishes it. A bound request is never
  // found this way: its key needs the binding.
  if (taken && !taken->has_value() && !callback.binding.empty())
    taken = store_.oauth().TakeRequest(RequestKey(callback.state, {}), now);
  if (!taken) return Failed(options_.users.redirects.client_url, taken.error());
  if (!taken->has_value()) return Failed(options_.users.redirects.client_url, InvalidState());
  const store::OAuthRequest& request = **taken;
  // A state minted for another provider: someone is splicing flows together.
  if (!callback.provider.empty() && request.provider != callback.provider)
    return Failed(options_.users.redirects.client_url, InvalidState());
  auto done = Finish(request, callback);
  if (!done) return Failed(request.redirect_to, done.error());
  return std::move(*done);
}

core::Result<OAuthOutcome> OAuthFlow::Finish(const store::OAuthRequest& request,
                                             const OAuthCallback& callback) {
  if (!callback.error.empty()) {
    return core::Error(core::errc::kOAuthProviderError,
                       callback.error_description.empty()
                           ? "The provider refused the sign-in: " + callback.error
                           : callback.error_description);
  }
  auto provider = Find(request.provider, false);
  if (!provider) return provider.error();
  if (callback.code.empty() && callback.id_token.empty())
    return core::Error(core::errc::kInvalidRequest, "The provider sent neither code nor id_token");
  StoredOptions stored = OptionsFromJson(request.options_json);
  if (stored.callback_url.empty()) {
    if (callback.links == nullptr) return NoLinkStyle();
    stored.callback_url = callback.links->OAuthCallbackUrl(request.provider);
  }

  oauth::CallbackParams params;
  params.code = callback.code;
  params.id_token = callback.id_token;
  params.user_json = callback.user_json;
  params.redirect_uri = stored.callback_url;
  params.code_verifier = request.code_verifier;
  params.nonce = request.nonce;
  oauth::TokenSet tokens;
  if (!callback.code.empty()) {
    auto exchanged = (*provider)->ExchangeCode(params);
    if (!exchanged) return exchanged.error();
    tokens = std::move(*exchanged);
  } else {
    tokens.id_token = callback.id_token;  // checked against the nonce by FetchProfile
  }
  auto profile = (*provider)->FetchProfile(tokens, params);
  if (!profile) return profile.error();
  if (profile->provider_user_id.empty())
    return core::Error(core::errc::kOAuthProfileFetchFailed, "The provider named no user id");

  OAuthOutcome out;
  out.redirect_to = request.redirect_to;
  if (request.connect_user_id) {
    if (auto r = Link(*request.connect_user_id, request.provider, *profile, tokens); !r)
      return r.error();
    out.kind = OAuthOutcome::Kind::kLinked;
    return out;
  }

  auto user = ResolveUser(request.provider, *profile, tokens, stored.options, callback.client);
  if (!user) return user.error();
  // Under the ticket policy an MFA user's ticket travels in the redirect (a
  // grant would redeem to a ticket the app could not use); under step-up the
  // grant redeems to an aal1 session like anyone's.
  const bool step_up =
      callback.second_factor != nullptr && *callback.second_factor == SecondFactorPolicy::kStepUp;
  if (stored.grant && (step_up || !MfaRequired(*user))) {
    const std::string code = crypto::RandomToken(32);
    const core::UnixMillis now = clock_.NowMillis();
    store::OAuthGrant g;
    g.code_hash = crypto::Sha256Hex(code);
    g.user_id = user->id;
    g.amr = "oauth";
    g.provider = request.provider;
    g.created_at = now;
    g.expires_at = now + int64_t{options_.oauth_grant_ttl_seconds} * 1000;
    g.code_challenge = stored.code_challenge;
    g.code_challenge_method = stored.code_challenge_method;
    if (auto r = store_.oauth().InsertGrant(g); !r) return r.error();
    out.kind = OAuthOutcome::Kind::kGrant;
    out.grant = code;
    return out;
  }
  auto outcome =
      sessions_.StartOrChallenge(*user, callback.client, "oauth", callback.second_factor);
  if (!outcome) return outcome.error();
  NoticeEvent(store_, clock_.NowMillis(), "signin-oauth", user->id);
  if (outcome->mfa) {
    out.kind = OAuthOutcome::Kind::kMfa;
    out.mfa = std::move(outcome->mfa);
  } else {
    out.kind = OAuthOutcome::Kind::kSession;
    out.session = std::move(outcome->session);
    out.provider_access_token = tokens.access_token;
    out.provider_refresh_token = tokens.refresh_token;
  }
  return out;
}

core::Result<SignInOutcome> OAuthFlow::RedeemGrant(std::string_view code,
                                                   const core::ClientInfo& client) {
  GrantRedemption r;
  r.code = std::string(code);
  r.client = client;
  auto out = Redeem(r);
  if (!out) return out.error();
  return std::move(out->sign_in);
}

core::Result<RedeemedGrant> OAuthFlow::Redeem(const GrantRedemption& r) {
  const core::Error invalid(core::errc::kInvalidTicket,
                            "The grant code is unknown or was already used");
  if (r.code.empty()) return invalid;
  // Taken whatever its age (now = 0), so that a late code is told apart from an
  // unknown one; either way it is gone after this.
  auto taken = store_.oauth().TakeGrant(crypto::Sha256Hex(r.code), 0);
  if (!taken) return taken.error();
  if (!taken->has_value()) return invalid;
  const store::OAuthGrant& grant = **taken;
  const core::UnixMillis now = clock_.NowMillis();
  if (grant.expires_at <= now)
    return core::Error(core::errc::kGrantExpired, "The grant code has expired");
  const bool has_challenge = !grant.code_challenge.empty();
  if (has_challenge != r.code_verifier.has_value() ||
      (has_challenge &&
       !VerifierMatches(*r.code_verifier, grant.code_challenge, grant.code_challenge_method)))
    return core::Error(core::errc::kBadCodeVerifier,
                       "The code verifier does not match the sign-in's code challenge");
  auto user = store_.users().FindById(grant.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return invalid;
  if (auto active = RequireActive(**user, now); !active) return active.error();
  auto outcome = sessions_.StartOrChallenge(**user, r.client, grant.amr, r.second_factor);
  if (!outcome) return outcome.error();
  NoticeEvent(store_, clock_.NowMillis(), "signin-oauth", (**user).id);
  RedeemedGrant out;
  out.sign_in = std::move(*outcome);
  // The tokens the sign-in brought are the newest kept on its identity.
  auto identities = store_.identities().ListForUser(grant.user_id);
  if (identities) {
    const core::Identity* newest = nullptr;
    for (const core::Identity& i : *identities)
      if (i.provider == grant.provider && (newest == nullptr || i.updated_at > newest->updated_at))
        newest = &i;
    if (newest != nullptr) {
      if (!newest->access_token_encrypted.empty())
        (void)box_.Open(newest->access_token_encrypted, &out.provider_access_token);
      if (!newest->refresh_token_encrypted.empty())
        (void)box_.Open(newest->refresh_token_encrypted, &out.provider_refresh_token);
    }
  }
  return out;
}

core::Result<SignInOutcome> OAuthFlow::SignInWithIdToken(const IdTokenSignIn& request) {
  auto provider = Find(request.provider, true);
  if (!provider) return provider.error();
  core::User scratch = NewUser(options_.users, clock_.NowMillis());
  if (auto r = ApplySignUpOptions(options_.users, request.options, scratch); !r) return r.error();
  std::optional<std::string_view> nonce;
  if (request.nonce) nonce = *request.nonce;
  auto profile = (*provider)->VerifyIdToken(request.id_token, nonce);
  if (!profile) return profile.error();
  oauth::TokenSet tokens;  // the app keeps the provider's tokens; we get none
  auto user = ResolveUser((*provider)->name(), *profile, tokens, request.options, request.client);
  if (!user) return user.error();
  auto outcome = sessions_.StartOrChallenge(*user, request.client, "oauth", request.second_factor);
  if (outcome) NoticeEvent(store_, clock_.NowMillis(), "signin-oauth", user->id);
  return outcome;
}

core::Result<void> OAuthFlow::LinkIdToken(std::string_view user_id, std::string_view provider,
                                          std::string_view id_token,
                                          std::optional<std::string> nonce) {
  if (!options_.manual_linking_enabled) return ManualLinkingDisabled();
  auto p = Find(provider, true);
  if (!p) return p.error();
  std::optional<std::string_view> n;
  if (nonce) n = *nonce;
  auto profile = (*p)->VerifyIdToken(id_token, n);
  if (!profile) return profile.error();
  return Link(user_id, (*p)->name(), *profile, oauth::TokenSet{});
}

}  // namespace gh::auth
