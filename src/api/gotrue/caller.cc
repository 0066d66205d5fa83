// Who is calling: the Bearer token of routes that need a user, and the user
// rendered with what GoTrue shows beside the row.
#include "api/common/shared_answers.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return true;
}

core::Result<auth::AccessClaims> VerifyBearer(const Deps& deps, const http::Request& request) {
  // GoTrue's wording of the missing token comes from the error table.
  return BearerClaims(deps.tokens, request);
}

core::Result<core::User> AuthenticatedUser(const Deps& deps, const http::Request& request,
                                           auth::AccessClaims* claims_out) {
  auto claims = VerifyBearer(deps, request);
  if (!claims) return claims.error();
  if (claims_out) *claims_out = *claims;
  // The session check and the user in one read: a signed-out or revoked
  // session's token is refused.
  return deps.sessions.LiveSessionUser(claims->session_id, claims->user_id);
}

core::Result<Json> DescribeUser(const Deps& deps, core::User user) {
  auto profile = deps.accounts.Describe(std::move(user));
  if (!profile) return profile.error();
  return UserJson(*profile, deps.config.jwt_audience);
}

core::Result<Json> SignInBody(const Deps& deps, const auth::SignInOutcome& outcome) {
  const core::User& user = outcome.session ? outcome.session->user : outcome.user;
  auto profile = deps.accounts.Describe(user);
  if (!profile) return profile.error();
  if (!outcome.session) return UserJson(*profile, deps.config.jwt_audience);
  return SessionJson(*outcome.session, *profile, deps.config.jwt_audience);
}

}  // namespace gh::api::gotrue
