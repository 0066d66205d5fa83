// auth::LinkStyle: how one dialect writes the URLs a flow must hand out itself,
// before the dialect's handler sees any outcome: the link a mail carries for a
// ticket, and the callback URL an identity provider sends the browser back to
// (OAuth's redirect_uri).
//
// Flows know no dialect, so they never write such URLs: the request names the
// style of the dialect that received it (a member `links` of the request struct,
// or a parameter), and whatever a flow sends later carries that choice with it
// (a deferred mail keeps the pointer; an OAuth request keeps the callback URL it
// started with, which must be the same at token exchange). Redirects that carry
// an outcome (a session, a grant, an error) are not written here: flows return
// the outcome and the dialect renders it.
//
// Implementations are immutable after construction and thread-safe; the
// composition root owns them for the life of the process, so a flow may keep a
// pointer across threads (the deferred mail queue).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace gh::auth {

// What a mailed ticket does when its link is followed.
enum class LinkKind {
  kEmailVerify,    // proves the address of a (new) account
  kMagicLink,      // signs in by email alone
  kPasswordReset,  // signs in so that the password can be set
  kEmailChange,    // moves the account to the address the mail went to
};

class LinkStyle {
 public:
  virtual ~LinkStyle() = default;

  // The URL mailed for `ticket` of `kind`; following it spends the ticket and
  // then sends the browser on to `redirect_to` (already checked against the
  // allowed list).
  virtual std::string VerifyLink(LinkKind kind, std::string_view ticket,
                                 std::string_view redirect_to) const = 0;

  // Where the identity provider `provider` sends the browser back (the
  // redirect_uri the provider was registered with).
  virtual std::string OAuthCallbackUrl(std::string_view provider) const = 0;

  // True when a mail with a link in this style also carries a six-digit code
  // that spends the same ticket (GoTrue's mails do: its clients verify either
  // the link or the code typed in, EmailLinkFlow::RedeemCode).
  virtual bool MailsCode() const { return false; }
};

// The error a flow answers when a request names no LinkStyle: a wiring bug of
// the dialect, never the caller's fault.
inline core::Error NoLinkStyle() {
  return core::Error(core::errc::kInternal, "No link style for this request");
}

// Percent-encodes `s` for a URL query value.
std::string UrlEncode(std::string_view s);
// `url` with "name=value" query parameters appended (before any #fragment).
std::string AppendQuery(const std::string& url,
                        const std::vector<std::pair<std::string, std::string>>& params);
// `url` without its trailing slashes (public_url + path joins).
std::string TrimTrailingSlashes(std::string url);

}  // namespace gh::auth
