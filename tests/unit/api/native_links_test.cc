// The native dialect's URLs, byte for byte as Nhost clients read them: the
// mailed /verify link, the providers' callback, and the redirects that carry a
// flow's outcome (what e2e tests see only through a browser's Location).
#include "api/nhost/native_links.h"

#include <gtest/gtest.h>

namespace gh::api::nhost {
namespace {

TEST(NativeLinks, VerifyLinkAndCallbackUnderThePrefix) {
  const std::string url1 = "https://auth.test//";
  NativeLinks links(url1);
  EXPECT_EQ(
      links.VerifyLink(auth::LinkKind::kEmailVerify, "verifyEmail:abc-_", "https://app.test/x?a=1"),
      "https://auth.test/v1/verify?ticket=verifyEmail%3Aabc-_&type=emailVerify"
      "&redirectTo=https%3A%2F%2Fapp.test%2Fx%3Fa%3D1");
  EXPECT_EQ(links.OAuthCallbackUrl("google"),
            "https://auth.test/v1/signin/provider/google/callback");
  const std::string url2 = "http://localhost:4000";
  NativeLinks mounted(url2, "/auth/native");
  EXPECT_EQ(mounted.OAuthCallbackUrl("apple"),
            "http://localhost:4000/auth/native/signin/provider/apple/callback");
}

TEST(NativeLinks, TicketTypesOfTheSpec) {
  EXPECT_EQ(TicketType(auth::LinkKind::kEmailVerify), "emailVerify");
  EXPECT_EQ(TicketType(auth::LinkKind::kMagicLink), "signinPasswordless");
  EXPECT_EQ(TicketType(auth::LinkKind::kPasswordReset), "passwordReset");
  EXPECT_EQ(TicketType(auth::LinkKind::kEmailChange), "emailConfirmChange");
  const std::string url3 = "https://auth.test";
  NativeLinks links(url3);
  EXPECT_NE(links.VerifyLink(auth::LinkKind::kEmailChange, "t", "https://app.test")
                .find("&type=emailConfirmChange&"),
            std::string::npos);
}

TEST(NativeLinks, OAuthOutcomesInTheQueryString) {
  using Kind = auth::OAuthOutcome::Kind;
  auth::OAuthOutcome o;
  o.redirect_to = "https://app.test/after#top";
  o.kind = Kind::kSession;
  o.session = auth::SessionGrant{};
  o.session->refresh_token = "r-1";
  EXPECT_EQ(OAuthRedirect(o), "https://app.test/after?refreshToken=r-1#top");

  o.session.reset();
  o.kind = Kind::kMfa;
  o.mfa = auth::MfaChallenge{"mfaTotp:x"};
  EXPECT_EQ(OAuthRedirect(o), "https://app.test/after?mfaTicket=mfaTotp%3Ax#top");

  o.kind = Kind::kGrant;
  o.grant = "g-1";
  EXPECT_EQ(OAuthRedirect(o), "https://app.test/after?grant=g-1#top");

  o.kind = Kind::kLinked;
  EXPECT_EQ(OAuthRedirect(o), "https://app.test/after#top");

  o.kind = Kind::kError;
  o.redirect_to = "https://app.test?x=1";
  o.error = core::Error(core::errc::kInvalidState, "Start again");
  EXPECT_EQ(OAuthRedirect(o),
            "https://app.test?x=1&error=invalid-state&errorDescription=Start%20again");
}

TEST(NativeLinks, MailLinkOutcomes) {
  auth::LinkOutcome signed_in;
  signed_in.kind = auth::LinkKind::kMagicLink;
  signed_in.session = auth::SessionGrant{};
  signed_in.session->refresh_token = "r-2";
  EXPECT_EQ(LinkRedirect("https://app.test", signed_in),
            "https://app.test?refreshToken=r-2&type=signinPasswordless");

  auth::LinkOutcome changed;
  changed.kind = auth::LinkKind::kEmailChange;
  EXPECT_EQ(LinkRedirect("https://app.test/p", changed),
            "https://app.test/p?type=emailConfirmChange");

  core::Result<auth::LinkOutcome> failed = core::Error(core::errc::kInvalidTicket, "Gone");
  EXPECT_EQ(LinkRedirect("https://app.test", failed),
            "https://app.test?error=invalid-ticket&errorDescription=Gone");
}

}  // namespace
}  // namespace gh::api::nhost
