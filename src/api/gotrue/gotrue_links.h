// api::gotrue::GoTrueLinks: the GoTrue dialect's URLs, the LinkStyle its
// requests hand to the flows: the mailed /verify links (GoTrue's token and type
// parameters, with the six-digit code beside the link as GoTrue mails it) and
// the one OAuth callback route GoTrue serves for every provider.
//
// Thread-safe: it only reads the public URL it was given, which the
// composition root settles before serving.
#pragma once

#include <string>
#include <string_view>

#include "auth/links.h"

namespace gh::api::gotrue {

class GoTrueLinks final : public auth::LinkStyle {
 public:
  // `public_url` is where clients reach this server, read at each call (it
  // must outlive this object); `prefix` the dialect's mount ("/auth/v1").
  GoTrueLinks(const std::string& public_url, std::string prefix);
  GoTrueLinks(std::string&& public_url, std::string prefix) = delete;  // would dangle

  // <public_url><prefix>/verify?token=..&type=<VerifyType>&redirect_to=..
  std::string VerifyLink(auth::LinkKind kind, std::string_view ticket,
                         std::string_view redirect_to) const override;
  // <public_url><prefix>/callback, whatever the provider (the state names it).
  std::string OAuthCallbackUrl(std::string_view provider) const override;
  // GoTrue's mails carry the six-digit code ({{ .Token }}) beside the link.
  bool MailsCode() const override { return true; }

 private:
  std::string Base() const;  // public_url without trailing slashes, then the prefix
  const std::string& public_url_;
  const std::string prefix_;
};

// GoTrue's verification type of a kind: signup, magiclink, recovery, email_change.
std::string_view VerifyType(auth::LinkKind kind);

}  // namespace gh::api::gotrue
