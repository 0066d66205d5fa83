#include "api/nhost/native_links.h"

#include "api/nhost/native_codes.h"

namespace gh::api::nhost {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string ErrorRedirect(const std::string& target, const core::Error& error) {
  return auth::AppendQuery(target, {{"error", std::string(NativeOAuthCode(error.code))},
                                    {"errorDescription", error.message}});
}

}  // namespace

NativeLinks::NativeLinks(const std::string& public_url, std::string prefix)
    : public_url_(public_url), prefix_(std::move(prefix)) {}

std::string NativeLinks::Base() const { return auth::TrimTrailingSlashes(public_url_) + prefix_; }

std::string NativeLinks::VerifyLink(auth::LinkKind kind, std::string_view ticket,
                                    std::string_view redirect_to) const {
  return auth::AppendQuery(Base() + "/verify", {{"ticket", std::string(ticket)},
                                                {"type", std::string(TicketType(kind))},
                                                {"redirectTo", std::string(redirect_to)}});
}

std::string NativeLinks::OAuthCallbackUrl(std::string_view provider) const {
  return Base() + "/signin/provider/" + std::string(provider) + "/callback";
}

std::string_view TicketType(auth::LinkKind kind) {
  switch (kind) {
    case auth::LinkKind::kEmailVerify:
      return "emailVerify";
    case auth::LinkKind::kMagicLink:
      return "signinPasswordless";
    case auth::LinkKind::kPasswordReset:
      return "passwordReset";
    case auth::LinkKind::kEmailChange:
      return "emailConfirmChange";
  }
  return "";
}

std::string OAuthRedirect(const auth::OAuthOutcome& o) {
  using Kind = auth::OAuthOutcome::Kind;
  switch (o.kind) {
    case Kind::kSession:
      return auth::AppendQuery(o.redirect_to, {{"refreshToken", o.session->refresh_token}});
    case Kind::kMfa:
      // The app finishes with POST /signin/mfa/totp {ticket, otp}.
      return auth::AppendQuery(o.redirect_to, {{"mfaTicket", o.mfa->ticket}});
    case Kind::kGrant:
      return auth::AppendQuery(o.redirect_to, {{"grant", o.grant}});
    case Kind::kLinked:
      return o.redirect_to;
    case Kind::kError:
      break;
  }
  return ErrorRedirect(o.redirect_to,
                       o.error ? *o.error : core::Error(core::errc::kInternal, "No outcome"));
}

std::string LinkRedirect(const std::string& target,
                         const core::Result<auth::LinkOutcome>& outcome) {
  if (!outcome) return ErrorRedirect(target, outcome.error());
  Params params;
  if (outcome->session) params.emplace_back("refreshToken", outcome->session->refresh_token);
  // Second factor due: the app finishes with POST /signin/mfa/totp {ticket, otp}.
  if (outcome->mfa) params.emplace_back("mfaTicket", outcome->mfa->ticket);
  params.emplace_back("type", std::string(TicketType(outcome->kind)));
  return auth::AppendQuery(target, params);
}

}  // namespace gh::api::nhost
