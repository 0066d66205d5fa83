#include "auth/passkeys.h"

#include <nlohmann/json.hpp>

#include "auth/account.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "core/text.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/webauthn.h"

namespace gh::auth {

namespace {

using Json = nlohmann::json;
namespace wa = crypto::webauthn;

constexpr char kSignUp[] = "webauthn-signup";
constexpr char kSignIn[] = "webauthn-signin";
constexpr char kAdd[] = "webauthn-add";
constexpr char kElevate[] = "webauthn-elevate";
constexpr char kFactorCreate[] = "webauthn-factor-create";
constexpr char kFactorRequest[] = "webauthn-factor-request";
constexpr size_t kChallengeBytes = 32;

core::Error Invalid(std::string reason) {
  return core::Error(core::errc::kInvalidWebauthn, std::move(reason));
}

Json OptionsJson(const SignUpOptions& o) {
  Json j = Json::object();
  if (o.display_name) j["displayName"] = *o.display_name;
  if (o.locale) j["locale"] = *o.locale;
  if (o.default_role) j["defaultRole"] = *o.default_role;
  if (o.allowed_roles) j["allowedRoles"] = *o.allowed_roles;
  if (o.metadata_json) j["metadata"] = *o.metadata_json;
  if (o.redirect_to) j["redirectTo"] = *o.redirect_to;
  return j;
}

SignUpOptions OptionsFrom(const Json& j) {
  SignUpOptions o;
  auto text = [&](const char* key, std::optional<std::string>& out) {
    if (j.contains(key) && j[key].is_string()) out = j[key].get<std::string>();
  };
  text("displayName", o.display_name);
  text("locale", o.locale);
  text("defaultRole", o.default_role);
  text("metadata", o.metadata_json);
  text("redirectTo", o.redirect_to);
  if (j.contains("allowedRoles") && j["allowedRoles"].is_array())
    o.allowed_roles = j["allowedRoles"].get<std::vector<std::string>>();
  return o;
}

// The host of an origin ("https://app.example.com:8443" -> "app.example.com").
std::string HostOf(std::string_view origin) {
  const size_t scheme = origin.find("://");
  std::string_view rest = scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
  return std::string(rest.substr(0, rest.find_first_of(":/")));
}

}  // namespace

// A challenge taken from the store: its raw bytes and what its start bound.
struct PasskeyFlow::Challenge {
  std::string id;  // the OneTimeCode's id (a factor ceremony's challenge id)
  std::string raw;
  Json data;
  std::string bound_user() const { return data.value("userId", std::string()); }
};

PasskeyFlow::PasskeyFlow(store::Store& store, const core::Clock& clock,
                         const PasskeyOptions& options, SessionService& sessions)
    : store_(store), clock_(clock), options_(options), sessions_(sessions) {}

core::Result<void> PasskeyFlow::Enabled() const {
  if (!options_.webauthn_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Passkeys (WebAuthn) are disabled");
  return core::Ok();
}

std::string PasskeyFlow::RpId() const {
  if (!options_.webauthn_rp_id.empty()) return options_.webauthn_rp_id;
  return options_.webauthn_rp_origins.empty() ? std::string()
                                              : HostOf(options_.webauthn_rp_origins.front());
}

std::string PasskeyFlow::UserVerification() const {
  const std::string& uv = options_.webauthn_user_verification;
  return uv == "required" || uv == "discouraged" ? uv : std::string("preferred");
}

core::Result<std::string> PasskeyFlow::IssueChallenge(std::string_view purpose,
                                                      const std::optional<std::string>& user_id,
                                                      std::string data_json,
                                                      FactorCeremony* ceremony) {
  const core::UnixMillis now = clock_.NowMillis();
  core::OneTimeCode code;
  code.id = crypto::RandomUuid();
  code.user_id = user_id;
  code.purpose = std::string(purpose);
  code.recipient = user_id.value_or("");
  std::string raw = crypto::RandomBytes(kChallengeBytes);
  code.code_hash = crypto::Sha256Hex(raw);
  code.data_json = std::move(data_json);
  code.created_at = now;
  code.expires_at = now + int64_t{options_.webauthn_challenge_seconds} * 1000;
  if (auto r = store_.codes().Insert(code); !r) return r.error();
  if (ceremony != nullptr) *ceremony = FactorCeremony{code.id, code.expires_at};
  return raw;
}

core::Result<PasskeyFlow::Challenge> PasskeyFlow::TakeChallenge(std::string_view purpose,
                                                                std::string_view client_data_json) {
  auto cd = wa::ParseClientData(client_data_json);
  if (!cd) return cd.error();
  auto found = store_.codes().FindByHash(purpose, crypto::Sha256Hex(cd->challenge));
  if (!found) return found.error();
  if (!found->has_value()) return Invalid("unknown or used challenge");
  const core::OneTimeCode& code = **found;
  const core::UnixMillis now = clock_.NowMillis();
  // Used once, whatever the verification below says: a failed attempt cannot be retried.
  auto consumed = store_.codes().Consume(code.id, now);
  if (!consumed) return consumed.error();
  if (!*consumed) return Invalid("unknown or used challenge");
  if (code.expires_at <= now) return Invalid("expired challenge");
  Challenge c;
  c.id = code.id;
  c.raw = cd->challenge;
  c.data = Json::parse(code.data_json, nullptr, /*allow_exceptions=*/false);
  if (!c.data.is_object()) c.data = Json::object();
  return c;
}

core::Result<core::WebauthnCredential> PasskeyFlow::Register(const core::User& user,
                                                             const AttestationResponse& credential,
                                                             const Challenge& challenge,
                                                             const std::string& nickname) {
  wa::Expectations expect;
  expect.challenge = challenge.raw;
  expect.rp_id = RpId();
  expect.origins = options_.webauthn_rp_origins;
  expect.require_user_verification = UserVerification() == "required";
  auto reg =
      wa::VerifyRegistration(credential.client_data_json, credential.attestation_object, expect);
  if (!reg) return reg.error();
  if (!crypto::ConstantTimeEquals(reg->credential_id, credential.raw_id))
    return Invalid("rawId is not the attested credential id");
  core::WebauthnCredential c;
  c.id = crypto::RandomUuid();
  c.user_id = user.id;
  c.credential_id = crypto::Base64UrlEncode(reg->credential_id);
  c.public_key = crypto::Base64UrlEncode(reg->cose_key);
  c.sign_count = reg->sign_count;
  c.aaguid = crypto::HexEncode(reg->aaguid);
  for (const std::string& t : credential.transports)
    c.transports += (c.transports.empty() ? "" : ",") + t;
  c.nickname = nickname;
  c.backup_eligible = reg->backup_eligible;
  c.backed_up = reg->backed_up;
  c.created_at = clock_.NowMillis();
  return c;
}

core::Result<core::WebauthnCredential> PasskeyFlow::Assert(const AssertionResponse& a,
                                                           const Challenge& challenge) {
  auto found = store_.passkeys().FindByCredentialId(crypto::Base64UrlEncode(a.raw_id));
  if (!found) return found.error();
  if (!found->has_value()) return Invalid("unknown credential");
  core::WebauthnCredential cred = **found;
  const std::string bound = challenge.bound_user();
  if (!bound.empty() && bound != cred.user_id) return Invalid("passkey of another user");
  if (a.user_handle && !a.user_handle->empty() && *a.user_handle != cred.user_id)
    return Invalid("user handle is not the passkey's user");
  std::string cose;
  if (!crypto::Base64UrlDecode(cred.public_key, &cose)) return Invalid("stored key unreadable");
  wa::Expectations expect;
  expect.challenge = challenge.raw;
  expect.rp_id = RpId();
  expect.origins = options_.webauthn_rp_origins;
  expect.require_user_verification = UserVerification() == "required";
  auto ok = wa::VerifyAssertion(a.client_data_json, a.authenticator_data, a.signature, cose,
                                static_cast<uint32_t>(cred.sign_count), expect);
  if (!ok) {
    if (ok.error().message.find("sign count") != std::string::npos)
      RecordAudit(store_, clock_.NowMillis(), "webauthn-clone-suspected", cred.user_id, {},
                  Json{{"credential", cred.id}}.dump());
    return ok.error();
  }
  const core::UnixMillis now = clock_.NowMillis();
  auto used =
      store_.passkeys().RecordUse(cred.id, cred.sign_count, ok->sign_count, ok->backed_up, now);
  if (!used) return used.error();
  if (!*used) return Invalid("the passkey was used at the same time elsewhere");
  cred.sign_count = ok->sign_count;
  cred.backed_up = ok->backed_up;
  cred.last_used_at = now;
  return cred;
}

core::Result<CreationOptions> PasskeyFlow::Creation(const core::User& user, std::string challenge) {
  CreationOptions o;
  o.challenge = std::move(challenge);
  o.rp_id = RpId();
  o.rp_name = options_.webauthn_rp_name;
  o.user_handle = user.id;
  o.user_name = user.email.value_or(user.id);
  o.user_display_name = user.display_name.empty() ? o.user_name : user.display_name;
  o.user_verification = UserVerification();
  o.timeout_ms = int64_t{options_.webauthn_challenge_seconds} * 1000;
  return o;
}

core::Result<CreationOptions> PasskeyFlow::StartSignUp(const PasskeySignUpStart& req) {
  if (auto r = Enabled(); !r) return r.error();
  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  auto email = core::NormalizeEmail(req.email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  core::User user = NewUser(options_.users, clock_.NowMillis());
  user.email = *email;
  if (auto r = ApplySignUpOptions(options_.users, req.options, user); !r) return r.error();
  Json data{{"email", *email}, {"newUserId", user.id}, {"options", OptionsJson(req.options)}};
  auto challenge = IssueChallenge(kSignUp, std::nullopt, data.dump());
  if (!challenge) return challenge.error();
  return Creation(user, std::move(*challenge));
}

core::Result<SignInOutcome> PasskeyFlow::FinishSignUp(const PasskeySignUpFinish& req) {
  if (auto r = Enabled(); !r) return r.error();
  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  const bool mails_link = options_.email_verification_required && send_verification_;
  if (mails_link && req.links == nullptr)
    return core::Error(core::errc::kInternal, "No link style for the verification mail");
  auto challenge = TakeChallenge(kSignUp, req.credential.client_data_json);
  if (!challenge) return challenge.error();
  const Json& data = challenge->data;
  core::User user = NewUser(options_.users, clock_.NowMillis());
  user.id = data.value("newUserId", std::string());
  user.email = data.value("email", std::string());
  if (user.id.empty() || user.email->empty()) return Invalid("challenge without a sign-up");
  SetSignUpProvider(user, kProviderEmail);
  const SignUpOptions options =
      req.options ? *req.options : OptionsFrom(data.value("options", Json::object()));
  if (auto r = ApplySignUpOptions(options_.users, options, user); !r) return r.error();
  auto passkey = Register(user, req.credential, *challenge, req.nickname);
  if (!passkey) return passkey.error();

  auto existing = store_.users().FindByEmail(*user.email);
  if (!existing) return existing.error();
  if (existing->has_value())
    return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");
  if (auto r = store_.users().Create(user); !r) return r.error();
  auto stored = store_.passkeys().Create(*passkey);
  if (!stored || !*stored) {
    (void)store_.users().Delete(user.id);
    if (!stored) return stored.error();
    return Invalid("credential already registered");
  }
  RecordAudit(store_, clock_.NowMillis(), "signup", user.id, req.client,
              R"({"method":"webauthn"})");

  SignInOutcome out;
  out.user = user;
  if (options_.email_verification_required && !user.email_verified()) {
    if (mails_link) {
      if (auto r = send_verification_(user, options.redirect_to, *req.links); !r) {
        (void)store_.users().Delete(user.id);
        return r.error();
      }
    }
    return out;
  }
  auto session = sessions_.Start(user, req.client, "webauthn");
  if (!session) return session.error();
  out.session = std::move(*session);
  return out;
}

core::Result<RequestOptions> PasskeyFlow::StartSignIn(const std::optional<std::string>& email) {
  if (auto r = Enabled(); !r) return r.error();
  RequestOptions o;
  Json data = Json::object();
  if (email) {
    auto normalized = core::NormalizeEmail(*email);
    if (!normalized) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
    auto user = store_.users().FindByEmail(*normalized);
    if (!user) return user.error();
    // An unknown address binds the challenge to nobody's id: nothing verifies,
    // and the answer looks like that of a user without passkeys.
    data["userId"] = user->has_value() ? (*user)->id : crypto::RandomUuid();
    if (user->has_value()) {
      auto list = store_.passkeys().ListForUser((*user)->id);
      if (!list) return list.error();
      o.allow = std::move(*list);
    }
  }
  auto challenge = IssueChallenge(kSignIn, std::nullopt, data.dump());
  if (!challenge) return challenge.error();
  o.challenge = std::move(*challenge);
  o.rp_id = RpId();
  o.user_verification = UserVerification();
  o.timeout_ms = int64_t{options_.webauthn_challenge_seconds} * 1000;
  return o;
}

core::Result<SignInOutcome> PasskeyFlow::FinishSignIn(const AssertionResponse& assertion,
                                                      const core::ClientInfo& client) {
  if (auto r = Enabled(); !r) return r.error();
  auto challenge = TakeChallenge(kSignIn, assertion.client_data_json);
  if (!challenge) return challenge.error();
  auto cred = Assert(assertion, *challenge);
  if (!cred) {
    RecordAudit(store_, clock_.NowMillis(), "signin-failed", std::nullopt, client,
                R"({"method":"webauthn"})");
    return cred.error();
  }
  auto found = store_.users().FindById(cred->user_id);
  if (!found) return found.error();
  if (!found->has_value()) return Invalid("unknown credential");
  const core::User& user = **found;
  if (auto r = RequireActive(user, clock_.NowMillis()); !r) return r.error();
  if (options_.email_verification_required && user.email && !user.email_verified())
    return core::Error(core::errc::kUnverifiedUser, "Email is not verified");
  SignInOutcome out;
  out.user = user;
  auto session = sessions_.Start(user, client, "webauthn");
  if (!session) return session.error();
  NoticeEvent(store_, clock_.NowMillis(), "signin-webauthn", user.id);
  out.session = std::move(*session);
  return out;
}

core::Result<CreationOptions> PasskeyFlow::StartAdd(const std::string& user_id) {
  if (auto r = Enabled(); !r) return r.error();
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto list = store_.passkeys().ListForUser(user_id);
  if (!list) return list.error();
  if (static_cast<int>(list->size()) >= options_.webauthn_max_credentials)
    return core::Error(core::errc::kTooManyMfaFactors, "The user has the most passkeys allowed");
  auto challenge = IssueChallenge(kAdd, user_id, Json{{"userId", user_id}}.dump());
  if (!challenge) return challenge.error();
  auto o = Creation(**user, std::move(*challenge));
  if (o) o->exclude = std::move(*list);
  return o;
}

core::Result<core::WebauthnCredential> PasskeyFlow::FinishAdd(const std::string& user_id,
                                                              const AttestationResponse& credential,
                                                              const std::string& nickname) {
  if (auto r = Enabled(); !r) return r.error();
  auto challenge = TakeChallenge(kAdd, credential.client_data_json);
  if (!challenge) return challenge.error();
  if (challenge->bound_user() != user_id) return Invalid("challenge of another user");
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto passkey = Register(**user, credential, *challenge, nickname);
  if (!passkey) return passkey.error();
  auto stored = store_.passkeys().Create(*passkey);
  if (!stored) return stored.error();
  if (!*stored) return Invalid("credential already registered");
  RecordAudit(store_, clock_.NowMillis(), "webauthn-added", user_id, {},
              Json{{"credential", passkey->id}}.dump());
  return *passkey;
}

core::Result<RequestOptions> PasskeyFlow::StartElevate(const std::string& user_id) {
  if (auto r = Enabled(); !r) return r.error();
  auto list = store_.passkeys().ListForUser(user_id);
  if (!list) return list.error();
  if (list->empty()) return core::Error(core::errc::kInvalidRequest, "The user has no passkey");
  auto challenge = IssueChallenge(kElevate, user_id, Json{{"userId", user_id}}.dump());
  if (!challenge) return challenge.error();
  RequestOptions o;
  o.challenge = std::move(*challenge);
  o.rp_id = RpId();
  o.allow = std::move(*list);
  o.user_verification = UserVerification();
  o.timeout_ms = int64_t{options_.webauthn_challenge_seconds} * 1000;
  return o;
}

core::Result<SessionGrant> PasskeyFlow::FinishElevate(const std::string& user_id,
                                                      const AssertionResponse& assertion,
                                                      const core::ClientInfo& client) {
  if (auto r = Enabled(); !r) return r.error();
  auto challenge = TakeChallenge(kElevate, assertion.client_data_json);
  if (!challenge) return challenge.error();
  if (challenge->bound_user() != user_id) return Invalid("challenge of another user");
  auto cred = Assert(assertion, *challenge);
  if (!cred) return cred.error();
  auto user = store_.users().FindById(user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  if (auto r = RequireActive(**user, clock_.NowMillis()); !r) return r.error();
  return sessions_.Start(**user, client, "webauthn", "aal2");
}

core::Result<void> PasskeyFlow::CheckRelyingParty(
    const std::optional<std::string>& rp_id,
    const std::optional<std::vector<std::string>>& origins) const {
  if (rp_id && *rp_id != RpId())
    return core::Error(core::errc::kInvalidRequest, "WebAuthn RP ID is not this server's");
  if (origins) {
    if (origins->empty())
      return core::Error(core::errc::kInvalidRequest, "WebAuthn RP Origins cannot be empty");
    std::string invalid;
    for (const std::string& o : *origins) {
      bool ours = false;
      for (const std::string& allowed : options_.webauthn_rp_origins) ours = ours || o == allowed;
      if (!ours) invalid += (invalid.empty() ? "" : ", ") + o;
    }
    if (!invalid.empty())
      return core::Error(core::errc::kInvalidRequest, "Invalid RP origins: " + invalid);
  }
  return core::Ok();
}

core::Result<PasskeyFlow::Challenge> PasskeyFlow::TakeFactorChallenge(
    std::string_view purpose, const FactorBinding& b, std::string_view challenge_id,
    std::string_view client_data_json) {
  auto challenge = TakeChallenge(purpose, client_data_json);
  if (!challenge) return challenge.error();
  // The signed challenge must be the one the dialect named, and that one the
  // factor's in this session: a challenge of another factor does not verify.
  if (challenge->id != challenge_id || challenge->bound_user() != b.user_id ||
      challenge->data.value("factorId", std::string()) != b.factor_id ||
      challenge->data.value("sessionId", std::string()) != b.session_id)
    return core::Error(core::errc::kMfaFactorNotFound, "No such challenge of this factor");
  return challenge;
}

core::Result<std::pair<FactorCeremony, CreationOptions>> PasskeyFlow::StartFactorRegistration(
    const FactorBinding& b) {
  auto user = store_.users().FindById(b.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto list = store_.passkeys().ListForUser(b.user_id);
  if (!list) return list.error();
  if (static_cast<int>(list->size()) >= options_.webauthn_max_credentials)
    return core::Error(core::errc::kTooManyMfaFactors, "The user has the most passkeys allowed");
  FactorCeremony ceremony;
  Json data{{"userId", b.user_id}, {"factorId", b.factor_id}, {"sessionId", b.session_id}};
  auto challenge = IssueChallenge(kFactorCreate, b.user_id, data.dump(), &ceremony);
  if (!challenge) return challenge.error();
  auto o = Creation(**user, std::move(*challenge));
  if (!o) return o.error();
  o->exclude = std::move(*list);
  return std::pair{std::move(ceremony), std::move(*o)};
}

core::Result<core::WebauthnCredential> PasskeyFlow::FinishFactorRegistration(
    const FactorBinding& b, std::string_view challenge_id, const AttestationResponse& credential,
    const std::string& nickname) {
  auto challenge = TakeFactorChallenge(kFactorCreate, b, challenge_id, credential.client_data_json);
  if (!challenge) return challenge.error();
  auto user = store_.users().FindById(b.user_id);
  if (!user) return user.error();
  if (!user->has_value()) return core::Error(core::errc::kUserNotFound, "User not found");
  auto passkey = Register(**user, credential, *challenge, nickname);
  if (!passkey) return passkey.error();
  passkey->id = b.factor_id;
  auto stored = store_.passkeys().Create(*passkey);
  if (!stored) return stored.error();
  if (!*stored) return Invalid("credential already registered");
  RecordAudit(store_, clock_.NowMillis(), "webauthn-added", b.user_id, {},
              Json{{"credential", passkey->id}}.dump());
  return *passkey;
}

core::Result<std::pair<FactorCeremony, RequestOptions>> PasskeyFlow::StartFactorAssertion(
    const FactorBinding& b) {
  auto list = store_.passkeys().ListForUser(b.user_id);
  if (!list) return list.error();
  RequestOptions o;
  for (core::WebauthnCredential& c : *list)
    if (c.id == b.factor_id) o.allow.push_back(std::move(c));
  if (o.allow.empty()) return core::Error(core::errc::kMfaFactorNotFound, "No such passkey");
  FactorCeremony ceremony;
  Json data{{"userId", b.user_id}, {"factorId", b.factor_id}, {"sessionId", b.session_id}};
  auto challenge = IssueChallenge(kFactorRequest, b.user_id, data.dump(), &ceremony);
  if (!challenge) return challenge.error();
  o.challenge = std::move(*challenge);
  o.rp_id = RpId();
  o.user_verification = UserVerification();
  o.timeout_ms = int64_t{options_.webauthn_challenge_seconds} * 1000;
  return std::pair{std::move(ceremony), std::move(o)};
}

core::Result<core::WebauthnCredential> PasskeyFlow::FinishFactorAssertion(
    const FactorBinding& b, std::string_view challenge_id, const AssertionResponse& assertion) {
  auto challenge = TakeFactorChallenge(kFactorRequest, b, challenge_id, assertion.client_data_json);
  if (!challenge) return challenge.error();
  auto cred = Assert(assertion, *challenge);
  if (!cred) return cred.error();
  if (cred->id != b.factor_id) return Invalid("an assertion by another passkey");
  return cred;
}

core::Result<std::vector<core::WebauthnCredential>> PasskeyFlow::List(const std::string& user_id) {
  if (auto r = Enabled(); !r) return r.error();
  return store_.passkeys().ListForUser(user_id);
}

core::Result<void> PasskeyFlow::Remove(const std::string& user_id, const std::string& id) {
  if (auto r = Enabled(); !r) return r.error();
  auto gone = store_.passkeys().Delete(user_id, id);
  if (!gone) return gone.error();
  if (!*gone) return core::Error(core::errc::kWebauthnCredentialNotFound, "No such passkey");
  RecordAudit(store_, clock_.NowMillis(), "webauthn-removed", user_id, {},
              Json{{"credential", id}}.dump());
  return core::Ok();
}

}  // namespace gh::auth
