// A LinkStyle for the flow tests, unlike any dialect's: links look like
// <base>/alt/verify?token=..&kind=..&to=.. and callbacks like
// <base>/alt/callback/<provider>, so a test can tell whose style a URL is in.
#pragma once

#include <string>

#include "auth/links.h"

namespace gh::auth {

class AltLinks final : public LinkStyle {
 public:
  explicit AltLinks(std::string base) : base_(std::move(base)) {}

  std::string VerifyLink(LinkKind kind, std::string_view ticket,
                         std::string_view redirect_to) const override {
    return AppendQuery(base_ + "/alt/verify", {{"token", std::string(ticket)},
                                               {"kind", std::to_string(static_cast<int>(kind))},
                                               {"to", std::string(redirect_to)}});
  }
  std::string OAuthCallbackUrl(std::string_view provider) const override {
    return base_ + "/alt/callback/" + std::string(provider);
  }

 private:
  std::string base_;
};

}  // namespace gh::auth
