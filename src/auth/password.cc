#include "auth/password.h"

#include "auth/account.h"
#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "auth/mfa.h"
#include "core/text.h"

namespace gh::auth {
namespace {

core::Error InvalidEmailPassword() {
  return core::Error(core::errc::kInvalidEmailPassword, "Incorrect email or password");
}

}  // namespace

PasswordFlow::PasswordFlow(store::Store& store, const core::Clock& clock,
                           const PasswordOptions& options, const crypto::PasswordHasher& hasher,
                           SessionService& sessions)
    : store_(store), clock_(clock), options_(options), hasher_(hasher), sessions_(sessions) {}

core::Result<void> PasswordFlow::CheckPasswordPolicy(const std::string& password) const {
  if (!core::IsValidUtf8(password))
    return core::Error(core::errc::kInvalidRequest, "Password must be valid UTF-8");
  if (core::Utf8Length(password) < static_cast<size_t>(options_.password_min_length))
    return core::Error(core::errc::kPasswordTooShort,
                       "Password should be at least " +
                           std::to_string(options_.password_min_length) + " characters.");
  if (password.find('\0') != std::string::npos)
    return core::Error(core::errc::kInvalidRequest, "Password must not contain NUL characters");
  if (core::Utf8Length(password) > static_cast<size_t>(options_.password_max_length))
    return core::Error(
        core::errc::kInvalidRequest,
        "Password must be at most " + std::to_string(options_.password_max_length) + " characters");
  if (breached_) return breached_->Check(password);
  return core::Ok();
}

void PasswordFlow::Audit(std::string type, const std::optional<std::string>& user_id,
                         const core::ClientInfo& client) const {
  RecordAudit(store_, clock_.NowMillis(), type, user_id, client);
}

core::Result<SignInOutcome> PasswordFlow::SignUp(const EmailPasswordSignUp& req) {
  if (!options_.email_signin_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Email and password sign-up is disabled");
  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  auto email = core::NormalizeEmail(req.email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  if (auto r = CheckPasswordPolicy(req.password); !r) return r.error();

  const bool mails_link = options_.email_verification_required && send_verification_;
  if (mails_link && req.links == nullptr) return NoLinkStyle();

  core::User user = NewUser(options_.users, clock_.NowMillis());
  SetSignUpProvider(user, kProviderEmail);
  user.email = *email;
  if (auto r = ApplySignUpOptions(options_.users, req.options, user); !r) return r.error();
  // A cheap pre-check spares the hash for an obvious duplicate; the unique index
  // below is what actually guarantees one account per address.
  auto existing = store_.users().FindByEmail(*email);
  if (!existing) return existing.error();
  if (existing->has_value())
    return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");

  user.password_hash = hasher_.Hash(req.password);
  if (user.password_hash->empty())
    return core::Error(core::errc::kOverloaded, "Out of memory while hashing; try again", 1);
  if (auto r = store_.users().Create(user); !r) return r.error();
  Audit("signup", user.id, req.client);

  SignInOutcome out;
  out.user = user;
  if (options_.email_verification_required && !user.email_verified()) {
    // No session until the address is proven; nothing half-done if the mail fails.
    if (mails_link) {
      if (auto r = send_verification_(user, req.options.redirect_to, *req.links); !r) {
        (void)store_.users().Delete(user.id);
        return r.error();
      }
    }
    return out;
  }
  auto session = sessions_.Start(user, req.client, "password");
  if (!session) return session.error();
  out.session = std::move(*session);
  return out;
}

core::Result<SignInOutcome> PasswordFlow::SignIn(const PasswordSignIn& req) {
  if (!options_.email_signin_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Email and password sign-in is disabled");
  auto email = core::NormalizeEmail(req.email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  // Four bytes per character at most: bounds the work without decoding.
  if (req.password.size() > 4 * static_cast<size_t>(options_.password_max_length)) {
    return InvalidEmailPassword();  // never hash unbounded input
  }
  // Unknown addresses count too: the answer must not tell them apart.
  const std::string attempt_key = "password:" + *email;
  if (auto admitted = limiter_->Begin(attempt_key); !admitted) return admitted.error();
  auto found = store_.users().FindByEmail(*email);
  if (!found) return found.error();

  if (!found->has_value() || !(*found)->password_hash) {
    (void)hasher_.Verify(req.password, hasher_.DummyHash());  // same time as a real check
    Audit("signin-failed", std::nullopt, req.client);
    return InvalidEmailPassword();
  }
  core::User user = **found;
  crypto::PasswordCheck check = hasher_.Verify(req.password, *user.password_hash);
  if (hooks_ != nullptr && hooks_->options().password_verification_attempt.enabled) {
    auto decision = hooks_->PasswordVerificationAttempt(user.id, check.ok);
    if (!decision) return decision.error();
    if (decision->reject) {
      if (decision->should_logout_user) (void)sessions_.SignOutAll(user.id);
      Audit("signin-failed", user.id, req.client);
      return core::Error(core::errc::kHookRefused, decision->message.empty()
                                                       ? "The password was rejected"
                                                       : decision->message);
    }
  }
  if (!check.ok) {
    Audit("signin-failed", user.id, req.client);
    return InvalidEmailPassword();
  }
  limiter_->Succeeded(attempt_key);
  if (auto active = RequireActive(user, clock_.NowMillis()); !active) return active.error();
  if (options_.email_verification_required && !user.email_verified())
    return core::Error(core::errc::kUnverifiedUser, "Email is not verified");
  if (check.needs_rehash) {
    std::string upgraded = hasher_.Hash(req.password);
    if (!upgraded.empty()) {
      user.password_hash = upgraded;
      user.updated_at = clock_.NowMillis();
      (void)store_.users().Update(user);  // keep the old hash if this fails; it still verifies
    }
  }
  Audit("signin", user.id, req.client);
  return sessions_.StartOrChallenge(user, req.client, "password", req.second_factor);
}

}  // namespace gh::auth
