#include "auth/anonymous.h"

#include "auth/app_metadata.h"
#include "auth/audit.h"
#include "core/text.h"

namespace gh::auth {

AnonymousFlow::AnonymousFlow(store::Store& store, const core::Clock& clock,
                             const AnonymousOptions& options, const crypto::PasswordHasher& hasher,
                             SessionService& sessions, const PasswordFlow& passwords)
    : store_(store),
      clock_(clock),
      options_(options),
      hasher_(hasher),
      sessions_(sessions),
      passwords_(passwords) {}

core::Result<SignInOutcome> AnonymousFlow::SignIn(const AnonymousSignIn& req) {
  if (!options_.anonymous_signin_enabled)
    return core::Error(core::errc::kDisabledEndpoint, "Anonymous sign-in is disabled");
  if (options_.signup_disabled)
    return core::Error(core::errc::kSignupDisabled, "Sign up is disabled");
  core::User user = NewUser(options_.users, clock_.NowMillis());
  SetSignUpProvider(user, kProviderAnonymous);
  user.is_anonymous = true;
  user.default_role = options_.anonymous_role;
  user.roles = {options_.anonymous_role};
  SignUpOptions options;  // only what the spec lets an anonymous caller choose
  options.display_name = req.display_name;
  options.locale = req.locale;
  options.metadata_json = req.metadata_json;
  if (auto r = ApplySignUpOptions(options_.users, options, user); !r) return r.error();
  if (auto r = store_.users().Create(user); !r) return r.error();

  RecordAudit(store_, clock_.NowMillis(), "signin-anonymous", user.id, req.client);

  auto session = sessions_.Start(user, req.client, "anonymous");
  if (!session) return session.error();
  SignInOutcome out;
  out.user = user;
  out.session = std::move(*session);
  return out;
}

core::Result<void> AnonymousFlow::Deanonymize(const DeanonymizeRequest& req) {
  const bool passwordless = req.sign_in_method == "passwordless";
  // "email": the address, and a password only if one is given (GoTrue's
  // updateUser({email}); the password may be set once the address is proven).
  const bool password_optional = req.sign_in_method == "email";
  if (!passwordless && !password_optional && req.sign_in_method != "email-password")
    return core::Error(core::errc::kInvalidRequest,
                       "the sign-in method must be \"email-password\" or \"passwordless\"");
  if (passwordless && (!options_.email_passwordless_enabled || !send_magic_link_))
    return core::Error(core::errc::kDisabledEndpoint,
                       "Passwordless email sign-in is disabled on this server");
  const bool needs_link =
      passwordless || (options_.email_verification_required && send_verification_);
  if (needs_link && req.links == nullptr) return NoLinkStyle();
  auto found = store_.users().FindById(req.user_id);
  if (!found) return found.error();
  if (!found->has_value()) return core::Error(core::errc::kInvalidToken, "User no longer exists");
  const core::User before = **found;
  core::User user = before;
  if (!user.is_anonymous)
    return core::Error(core::errc::kUserNotAnonymous, "User is not anonymous");

  auto email = core::NormalizeEmail(req.email);
  if (!email) return core::Error(core::errc::kInvalidRequest, "Invalid email address");
  if (!passwordless) {
    if (!req.password && !password_optional)
      return core::Error(core::errc::kInvalidRequest,
                         "\"password\" is required for email-password");
    if (req.password) {
      if (auto r = passwords_.CheckPasswordPolicy(*req.password); !r) return r.error();
    }
  }

  // The real user gets the roles a fresh sign-up would, then whatever the
  // options ask for within them; the anonymous role goes.
  PromoteAnonymous(options_.users, user, kProviderEmail);
  SignUpOptions options = req.options;
  if (!options.metadata_json) options.metadata_json = user.metadata_json;  // keep what they had
  if (auto r = ApplySignUpOptions(options_.users, options, user); !r) return r.error();
  auto taken = store_.users().FindByEmail(*email);
  if (!taken) return taken.error();
  if (taken->has_value())
    return core::Error(core::errc::kEmailAlreadyInUse, "Email already in use");

  user.email = *email;
  user.email_confirmed_at.reset();
  if (!passwordless && req.password) {
    user.password_hash = hasher_.Hash(*req.password);
    if (user.password_hash->empty())
      return core::Error(core::errc::kOverloaded, "Out of memory while hashing; try again", 1);
  }
  // Until the address is proven the user stays anonymous in effect: the email
  // and password are recorded, the anonymous role stays, and the mailed link
  // completes the change (roles are then the sign-up defaults).
  if (needs_link) {
    user.is_anonymous = true;
    user.default_role = before.default_role;
    user.roles = before.roles;
    user.app_metadata_json = before.app_metadata_json;
  }
  user.updated_at = clock_.NowMillis();
  // The unique index settles a race with a sign-up of the same address.
  if (auto r = store_.users().Update(user); !r) return r;
  if (needs_link) {
    auto sent = passwordless ? send_magic_link_(user, req.options.redirect_to, *req.links)
                             : send_verification_(user, req.options.redirect_to, *req.links);
    if (!sent) {
      (void)store_.users().Update(before);  // nothing half-done
      return sent.error();
    }
  }

  auto ended = store_.sessions().RevokeAllForUser(user.id, "deanonymized", clock_.NowMillis(),
                                                  req.session_id);
  if (!ended) return ended.error();
  RecordAudit(store_, clock_.NowMillis(), needs_link ? "deanonymize-pending" : "deanonymize",
              user.id);
  return core::Ok();
}

core::Result<int> AnonymousFlow::Prune(core::UnixMillis before) {
  return store_.users().DeleteAnonymousCreatedBefore(before);
}

}  // namespace gh::auth
