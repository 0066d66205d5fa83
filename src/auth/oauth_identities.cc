// OAuthFlow, part two: who a provider's profile is (existing identity, linked
// account, or a new user), linking to a signed-in user, listing and unlinking.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "auth/account.h"
#include "auth/address_proof.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "auth/oauth.h"
#include "core/text.h"
#include "crypto/random.h"

namespace gh::auth {

namespace {

// The provider's name for the person, made acceptable as our display name: the
// characters ApplySignUpOptions refuses (markup, URL and control characters)
// are dropped and the rest cut to 32 characters. A provider's name is a hint,
// not a request to refuse.
std::string CleanDisplayName(const std::string& name) {
  if (!core::IsValidUtf8(name)) return std::string();
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    const bool continuation = (c & 0xC0) == 0x80;
    if (!continuation) {
      if (c < 0x20 || c == 0x7F || c == '&' || c == '/' || c == ':' || c == '<' || c == '>' ||
          c == '"' || c == '\\' || c == '`' || c == ';' || c == '=')
        continue;
      if (chars == 32) break;
      ++chars;
    }
    out += static_cast<char>(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

core::Error LinkedElsewhere() {
  return core::Error(core::errc::kIdentityLinkedElsewhere,
                     "This identity is linked to another account");
}

// Keeps app_metadata.providers in step with the user's identities once one was
// linked (`linked`) or unlinked. Re-reads the user, so what another request
// wrote since is kept; writes only when the list changed.
core::Result<void> NoteProvider(store::Store& store, const core::Clock& clock,
                                std::string_view user_id, std::string_view provider, bool linked) {
  auto found = store.users().FindById(user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Ok();  // deleted meanwhile: nothing to keep
  core::User user = std::move(**found);
  if (!(linked ? AddProvider(user, provider) : RemoveProvider(user, provider))) return core::Ok();
  user.updated_at = clock.NowMillis();
  return store.users().Update(user);
}

}  // namespace

void OAuthFlow::Audit(std::string_view type, const std::string& user_id, std::string_view provider,
                      const core::ClientInfo& client) const {
  RecordAudit(store_, clock_.NowMillis(), type, user_id, client,
              nlohmann::json{{"provider", provider}}.dump());
}

void OAuthFlow::SealTokens(const oauth::TokenSet& tokens, core::Identity& identity) const {
  if (!tokens.access_token.empty())
    identity.access_token_encrypted = box_.Seal(tokens.access_token);
  // Providers often send a refresh token only on the first consent: keep the
  // one we have when a later sign-in brings none.
  if (!tokens.refresh_token.empty())
    identity.refresh_token_encrypted = box_.Seal(tokens.refresh_token);
}

core::Identity OAuthFlow::MakeIdentity(std::string_view user_id, std::string_view provider,
                                       const oauth::Profile& profile,
                                       const oauth::TokenSet& tokens) const {
  core::Identity i;
  i.id = crypto::RandomUuid();
  i.user_id = std::string(user_id);
  i.provider = std::string(provider);
  i.provider_user_id = profile.provider_user_id;
  i.email = profile.email;
  i.data_json = profile.raw_json.empty() ? "{}" : profile.raw_json;
  i.created_at = i.updated_at = clock_.NowMillis();
  SealTokens(tokens, i);
  return i;
}

core::Result<void> OAuthFlow::Link(std::string_view user_id, std::string_view provider,
                                   const oauth::Profile& profile, const oauth::TokenSet& tokens) {
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto existing = store_.identities().Find(provider, profile.provider_user_id);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    core::Identity& i = **existing;
    if (i.user_id != user_id) return LinkedElsewhere();
    i.email = profile.email;
    i.data_json = profile.raw_json.empty() ? "{}" : profile.raw_json;
    i.updated_at = clock_.NowMillis();
    SealTokens(tokens, i);
    return store_.identities().Update(i);
  }
  auto created = store_.identities().Create(MakeIdentity(user_id, provider, profile, tokens));
  if (!created) {
    // Someone linked the same identity a moment ago (the unique key refused
    // ours): whose is it now?
    auto raced = store_.identities().Find(provider, profile.provider_user_id);
    if (raced && raced->has_value())
      return (*raced)->user_id == user_id ? core::Ok() : core::Result<void>(LinkedElsewhere());
    return created;
  }
  Audit("oauth-linked", std::string(user_id), provider, {});
  return NoteProvider(store_, clock_, user_id, provider, /*linked=*/true);
}

core::Result<core::User> OAuthFlow::ResolveUser(std::string_view provider,
                                                const oauth::Profile& profile,
                                                const oauth::TokenSet& tokens,
                                                const SignUpOptions& options,
                                                const core::ClientInfo& client, int attempt) {
  const core::UnixMillis now = clock_.NowMillis();
  // Two first sign-ins of one identity may race (a double-clicked button, two
  // tabs): the unique keys refuse the loser's user (same email) or identity.
  // The loser settles once more against what the winner wrote, and so signs in
  // as the winner's user.
  auto settle_again = [&]() -> std::optional<core::Result<core::User>> {
    if (attempt > 0) return std::nullopt;
    return ResolveUser(provider, profile, tokens, options, client, attempt + 1);
  };
  // After our identity was refused: did the racer link it to `user_id` too?
  auto linked_to = [&](const std::string& user_id) {
    auto raced = store_.identities().Find(provider, profile.provider_user_id);
    return raced && raced->has_value() && (*raced)->user_id == user_id;
  };
  auto existing = store_.identities().Find(provider, profile.provider_user_id);
  if (!existing) return existing.error();
  if (existing->has_value()) {
    core::Identity& i = **existing;
    auto user = store_.users().FindById(i.user_id);
    if (!user) return user.error();
    if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
    if (auto active = RequireActive(**user, clock_.NowMillis()); !active) return active.error();
    i.email = profile.email;
    i.data_json = profile.raw_json.empty() ? "{}" : profile.raw_json;
    i.updated_at = now;
    SealTokens(tokens, i);
    if (auto r = store_.identities().Update(i); !r) return r.error();
    return std::move(**user);
  }

  if (profile.email) {
    auto by_email = store_.users().FindByEmail(*profile.email);
    if (!by_email) return by_email.error();
    if (by_email->has_value()) {
      // Only the provider's word that the address is theirs lets a stranger's
      // sign-in join an existing account.
      if (!profile.email_verified || !options_.oauth_link_verified_email)
        return core::Error(core::errc::kEmailAlreadyInUse,
                           "An account with this email already exists: sign in to it, then link " +
                               std::string(provider));
      core::User user = std::move(**by_email);
      if (auto active = RequireActive(user, clock_.NowMillis()); !active) return active.error();
      // The provider has proven the address; a password nobody proved goes.
      auto proven =
          ProveAddress(store_, clock_, options_.proof, options_.users, ProvenChannel::kEmail,
                       ProofKind::kPossessionOnly, user, "oauth-email-proven");
      if (!proven) return proven.error();
      auto created = store_.identities().Create(MakeIdentity(user.id, provider, profile, tokens));
      if (!created && !linked_to(user.id)) {
        if (auto again = settle_again()) return std::move(*again);
        return created.error();
      }
      Audit("oauth-linked-by-email", user.id, provider, client);
      if (auto r = NoteProvider(store_, clock_, user.id, provider, /*linked=*/true); !r)
        return r.error();
      AddProvider(user, provider);  // what NoteProvider wrote, for the session's claims
      return user;
    }
  }

  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  core::User user = NewUser(options_.users, now);
  if (auto r = ApplySignUpOptions(options_.users, options, user); !r) return r.error();
  if (!options.display_name) user.display_name = CleanDisplayName(profile.display_name);
  if (!options.locale && !profile.locale.empty() &&
      Contains(options_.users.allowed_locales, profile.locale))
    user.locale = profile.locale;
  user.avatar_url = profile.avatar_url;
  user.email = profile.email;
  if (profile.email && profile.email_verified) user.email_confirmed_at = now;
  SetSignUpProvider(user, provider);
  if (auto r = store_.users().Create(user); !r) {
    if (auto again = settle_again()) return std::move(*again);
    return r.error();
  }
  if (auto r = store_.identities().Create(MakeIdentity(user.id, provider, profile, tokens)); !r) {
    // The racer may have linked this very user by its email: then it stands.
    if (!linked_to(user.id)) {
      (void)store_.users().Delete(user.id);
      if (auto again = settle_again()) return std::move(*again);
      return r.error();
    }
  }
  Audit("signup-oauth", user.id, provider, client);
  return user;
}

core::Result<std::vector<core::Identity>> OAuthFlow::ListIdentities(std::string_view user_id) {
  return store_.identities().ListForUser(user_id);
}

core::Result<void> OAuthFlow::Unlink(std::string_view user_id, std::string_view provider) {
  const std::string name(provider);
  return RemoveIdentities(user_id, "No " + name + " identity is linked to this account",
                          [&name](const core::Identity& i) { return i.provider == name; });
}

core::Result<void> OAuthFlow::UnlinkIdentity(std::string_view user_id,
                                             std::string_view identity_id) {
  const std::string id(identity_id);
  return RemoveIdentities(user_id, "No identity with this id is linked to this account",
                          [&id](const core::Identity& i) { return i.id == id; });
}

core::Result<void> OAuthFlow::RemoveIdentities(
    std::string_view user_id, const std::string& none_message,
    const std::function<bool(const core::Identity&)>& doomed) {
  if (!options_.manual_linking_enabled) return ManualLinkingDisabled();
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto identities = store_.identities().ListForUser(user_id);
  if (!identities) return identities.error();
  std::vector<const core::Identity*> going;
  std::vector<std::string> staying;  // providers of the identities kept
  for (const auto& i : *identities) {
    if (doomed(i))
      going.push_back(&i);
    else
      staying.push_back(i.provider);
  }
  if (going.empty()) return core::Error(core::errc::kIdentityNotFound, none_message);
  const core::User& u = **user;
  const bool by_email = u.email && u.email_verified() &&
                        (options_.email_passwordless_enabled || options_.email_otp_enabled);
  const bool by_phone =
      u.phone_number && u.phone_number_verified() && options_.sms_passwordless_enabled;
  if (staying.empty() && !u.password_hash && !by_email && !by_phone)
    return core::Error(core::errc::kLastIdentity,
                       "This is the account's last way to sign in: set a password or link "
                       "another provider first");
  for (const core::Identity* i : going) {
    if (auto removed = store_.identities().Delete(i->id); !removed) return removed;
    Audit("oauth-unlinked", std::string(user_id), i->provider, {});
    // app_metadata.providers names a provider while any identity there is left.
    if (!Contains(staying, i->provider))
      if (auto r = NoteProvider(store_, clock_, user_id, i->provider, /*linked=*/false); !r)
        return r;
  }
  return core::Ok();
}

}  // namespace gh::auth
