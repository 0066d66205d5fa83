// The native dialect's error table: statuses as hasura-auth answers them, and
// the {status, error, message} body.

#include "api/nhost/errors.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gh::api::nhost {
namespace {

namespace e = core::errc;

TEST(NhostErrorsTest, StatusesMatchHasuraAuth) {
  struct Case {
    std::string_view code;
    int status;
  };
  // hasura-auth's status for each code; the ones marked "changed" answered
  // differently before this table followed it.
  const Case cases[] = {
      {e::kInvalidRequest, 400},
      {e::kDefaultRoleNotAllowed, 400},
      {e::kRoleNotAllowed, 400},
      {e::kLocaleNotAllowed, 400},
      {e::kRedirectNotAllowed, 400},
      {e::kPasswordTooShort, 400},
      {e::kPasswordInHibpDatabase, 400},
      {e::kUserNotAnonymous, 400},
      {e::kUserNotFound, 400},
      {e::kNoTotpSecret, 400},
      {e::kMfaTypeNotFound, 400},
      {e::kTotpAlreadyActive, 400},
      {e::kInvalidState, 400},
      {e::kInvalidOtp, 400},                // changed from 401
      {e::kOAuthTokenExchangeFailed, 400},  // changed from 502
      {e::kOAuthProfileFetchFailed, 400},   // changed from 502
      {e::kOAuthProviderError, 400},        // changed from 502
      {e::kCannotSendSms, 400},             // changed from 500
      {e::kInvalidEmailPassword, 401},
      {e::kInvalidRefreshToken, 401},
      {e::kUnauthenticated, 401},
      {e::kInvalidToken, 401},
      {e::kSessionNotFound, 401},
      {e::kRefreshTokenReused, 401},
      {e::kInvalidPat, 401},
      {e::kInvalidTicket, 401},    // changed from 400
      {e::kInvalidTotp, 401},      // changed from 400
      {e::kDisabledMfaTotp, 401},  // changed from 400
      {e::kUnverifiedUser, 401},   // changed from 400
      {e::kDisabledUser, 401},     // changed from 403
      {e::kSignupDisabled, 403},
      {e::kForbiddenAnonymous, 403},
      {e::kEmailAlreadyInUse, 409},
      {e::kPhoneAlreadyInUse, 409},
      {e::kDisabledEndpoint, 409},  // changed from 403
      {e::kNotFound, 404},
      {e::kPatNotFound, 404},
      {e::kMethodNotAllowed, 405},
      {e::kPayloadTooLarge, 413},
      {e::kHeadersTooLarge, 431},
      {e::kTooManyRequests, 429},
      {e::kOverloaded, 429},
      {e::kUnavailable, 503},
      {e::kInternal, 500},
  };
  for (const Case& c : cases) EXPECT_EQ(StatusFor(c.code), c.status) << c.code;
  EXPECT_EQ(StatusFor("no-such-code"), 400);
}

TEST(NhostErrorsTest, BodyRepeatsTheStatusAndCarriesRetryAfter) {
  http::Response r = ErrorResponse(core::Error(e::kTooManyRequests, "slow down", 7));
  EXPECT_EQ(r.status, 429);
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j, (nlohmann::json{
                   {"status", 429}, {"error", "too-many-requests"}, {"message", "slow down"}}));
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "7");
}

TEST(NhostErrorsTest, BadAccessTokenIsUnauthenticatedUser) {
  http::Response r = ErrorResponse(core::Error(e::kInvalidToken, "token expired"));
  EXPECT_EQ(r.status, 401);
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"], "unauthenticated-user");
  EXPECT_EQ(j["message"], "token expired");
  EXPECT_TRUE(r.headers.empty());
}

// The finer codes GoTrue's linking and PKCE need reach native clients as the
// codes Nhost has for the same situations.
TEST(NhostErrorsTest, FinerOAuthCodesKeepTheNativeVocabulary) {
  struct Case {
    std::string_view code;
    int status;
    std::string_view shown;
  };
  const Case cases[] = {
      {e::kGrantExpired, 401, "invalid-ticket"},
      {e::kBadCodeVerifier, 401, "invalid-ticket"},
      {e::kManualLinkingDisabled, 409, "disabled-endpoint"},
      {e::kIdentityNotFound, 400, "invalid-request"},
      {e::kLastIdentity, 400, "invalid-request"},
      {e::kIdentityLinkedElsewhere, 400, "invalid-request"},
  };
  for (const Case& c : cases) {
    http::Response r = ErrorResponse(core::Error(c.code, "why"));
    EXPECT_EQ(r.status, c.status) << c.code;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"], c.shown) << c.code;
  }
}

TEST(NhostErrorsTest, RendererForTheMountIgnoresTheRequest) {
  http::Request request;
  request.path = "/v1/nope";
  http::Response r = RenderError(request, core::Error(e::kNotFound, "Route not found"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "route-not-found");
}

}  // namespace
}  // namespace gh::api::nhost
