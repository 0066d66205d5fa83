// api::nhost::NativeLinks: the native dialect's URLs. The LinkStyle its
// requests hand to the flows (the mailed /verify links and the providers'
// callback route), and the redirects that carry a flow's outcome back to the
// app in the query string, as Nhost clients read them.
//
// Thread-safe: it only reads the public URL it was given, which the
// composition root settles before serving (a free port is known only once
// the server listens).
#pragma once

#include <string>
#include <string_view>

#include "auth/email_links.h"
#include "auth/links.h"
#include "auth/oauth.h"
#include "core/error.h"

namespace gh::api::nhost {

class NativeLinks final : public auth::LinkStyle {
 public:
  // `public_url` is where clients reach this server, read at each call (it
  // must outlive this object); `prefix` the dialect's mount, as given to
  // RegisterRoutes.
  explicit NativeLinks(const std::string& public_url, std::string prefix = "/v1");
  NativeLinks(std::string&& public_url, std::string prefix = "/v1") = delete;  // would dangle

  // <public_url><prefix>/verify?ticket=..&type=<TicketType>&redirectTo=..
  std::string VerifyLink(auth::LinkKind kind, std::string_view ticket,
                         std::string_view redirect_to) const override;
  // <public_url><prefix>/signin/provider/<provider>/callback
  std::string OAuthCallbackUrl(std::string_view provider) const override;

 private:
  std::string Base() const;  // public_url without trailing slashes, then the prefix

  const std::string& public_url_;
  const std::string prefix_;
};

// The spec's ticket type of a kind: emailVerify, signinPasswordless,
// passwordReset, emailConfirmChange.
std::string_view TicketType(auth::LinkKind kind);

// Where an OAuth callback sends the browser: the outcome's target with
// refreshToken, mfaTicket or grant (nothing after a connect), or with error
// and errorDescription.
std::string OAuthRedirect(const auth::OAuthOutcome& outcome);

// Where a followed mail link sends the browser: `target` with refreshToken or
// mfaTicket (when the link signs in) and type, or with error and
// errorDescription.
std::string LinkRedirect(const std::string& target, const core::Result<auth::LinkOutcome>& outcome);

}  // namespace gh::api::nhost
