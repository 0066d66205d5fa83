#include "api/gotrue/gotrue_links.h"

namespace gh::api::gotrue {

GoTrueLinks::GoTrueLinks(const std::string& public_url, std::string prefix)
    : public_url_(public_url), prefix_(std::move(prefix)) {}

std::string GoTrueLinks::Base() const { return auth::TrimTrailingSlashes(public_url_) + prefix_; }

std::string GoTrueLinks::VerifyLink(auth::LinkKind kind, std::string_view ticket,
                                    std::string_view redirect_to) const {
  return auth::AppendQuery(Base() + "/verify", {{"token", std::string(ticket)},
                                                {"type", std::string(VerifyType(kind))},
                                                {"redirect_to", std::string(redirect_to)}});
}

std::string GoTrueLinks::OAuthCallbackUrl(std::string_view) const { return Base() + "/callback"; }

std::string_view VerifyType(auth::LinkKind kind) {
  switch (kind) {
    case auth::LinkKind::kEmailVerify:
      return "signup";
    case auth::LinkKind::kMagicLink:
      return "magiclink";
    case auth::LinkKind::kPasswordReset:
      return "recovery";
    case auth::LinkKind::kEmailChange:
      return "email_change";
  }
  return "";
}

}  // namespace gh::api::gotrue
