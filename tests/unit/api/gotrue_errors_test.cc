// The GoTrue dialect's error table: GoTrue's statuses, codes and messages, its
// two body shapes, and a row in both dialects' tables for every code of
// core/error.h.

#include "api/gotrue/errors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "api/nhost/errors.h"

namespace gh::api::gotrue {
namespace {

namespace e = core::errc;

// Every code core/error.h spells (the string of each `k... = "..."` line).
std::vector<std::string> EveryCode() {
  std::ifstream in(std::string(GATEHOUSE_SOURCE_DIR) + "/src/core/error.h");
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> codes;
  std::regex line(R"re(inline constexpr std::string_view k\w+ = "([^"]+)")re");
  const std::string s = text.str();
  for (std::sregex_iterator it(s.begin(), s.end(), line), end; it != end; ++it)
    codes.push_back((*it)[1]);
  return codes;
}

TEST(GoTrueErrorsTest, EveryCodeHasARowInEachDialect) {
  const std::vector<std::string> codes = EveryCode();
  ASSERT_GT(codes.size(), 40u);
  for (const std::string& code : codes) {
    EXPECT_TRUE(HasRow(code)) << "no GoTrue row for " << code;
    EXPECT_TRUE(nhost::HasRow(code)) << "no native row for " << code;
  }
}

TEST(GoTrueErrorsTest, StatusesCodesAndMessagesAreGoTrues) {
  struct Case {
    std::string_view code;
    int status;
    std::string_view error_code;
    std::string_view message;  // "" = the flow's
  };
  const Case cases[] = {
      {e::kInvalidEmailPassword, 400, "invalid_credentials", "Invalid login credentials"},
      {e::kEmailAlreadyInUse, 422, "user_already_exists", "User already registered"},
      {e::kInvalidRefreshToken, 400, "refresh_token_not_found",
       "Invalid Refresh Token: Refresh Token Not Found"},
      {e::kRefreshTokenReused, 400, "refresh_token_already_used",
       "Invalid Refresh Token: Already Used"},
      {e::kUnauthenticated, 401, "no_authorization", "This endpoint requires a Bearer token"},
      {e::kSessionNotFound, 403, "session_not_found",
       "Session from session_id claim in JWT does not exist"},
      {e::kSignupDisabled, 422, "signup_disabled", "Signups not allowed for this instance"},
      {e::kUnverifiedUser, 400, "email_not_confirmed", "Email not confirmed"},
      {e::kTooManyRequests, 429, "over_request_rate_limit", ""},
      {e::kPasswordTooShort, 422, "weak_password", ""},
      {e::kInternal, 500, "unexpected_failure", ""},
      {e::kInvalidOtp, 403, "otp_expired", "Token has expired or is invalid"},
      {e::kInvalidTicket, 403, "otp_expired", "Email link is invalid or has expired"},
      {e::kReauthenticationNeeded, 400, "reauthentication_needed",
       "Password update requires reauthentication"},
      {e::kInvalidReauthentication, 422, "reauthentication_not_valid",
       "Nonce has expired or is invalid"},
      {e::kSamePassword, 422, "same_password",
       "New password should be different from the old password."},
      // Social sign-in and linking.
      {e::kInvalidState, 400, "bad_oauth_state", "OAuth state is invalid"},
      {e::kGrantExpired, 422, "flow_state_expired",
       "The sign-in code has expired; start the sign-in again"},
      {e::kBadCodeVerifier, 400, "bad_code_verifier",
       "The code verifier does not match the code challenge of this sign-in"},
      {e::kManualLinkingDisabled, 404, "manual_linking_disabled",
       "Linking identities is switched off"},
      {e::kIdentityNotFound, 422, "identity_not_found", "No such identity on this account"},
      {e::kLastIdentity, 422, "single_identity_not_deletable",
       "The account would have no way left to sign in"},
      {e::kIdentityLinkedElsewhere, 422, "identity_already_exists",
       "This identity is linked to another account"},
  };
  for (const Case& c : cases) {
    Problem p = Translate(core::Error(c.code, "the flow's words"));
    EXPECT_EQ(p.status, c.status) << c.code;
    EXPECT_EQ(p.error_code, c.error_code) << c.code;
    EXPECT_EQ(p.message, c.message.empty() ? "the flow's words" : c.message) << c.code;
  }
  EXPECT_EQ(Translate(core::Error(e::kInvalidToken, "expired")).message,
            "invalid JWT: unable to parse or verify signature, expired");
}

TEST(GoTrueErrorsTest, TwoShapesByApiVersionAndTheCodeInAHeader) {
  http::Request legacy;
  http::Response r = ErrorResponse(legacy, core::Error(e::kPasswordTooShort, "too short", 0));
  EXPECT_EQ(r.status, 422);
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j, (nlohmann::json{{"code", 422},
                               {"error_code", "weak_password"},
                               {"msg", "too short"},
                               {"weak_password", {{"reasons", {"length"}}}}}));
  ASSERT_FALSE(r.headers.empty());
  EXPECT_EQ(r.headers[0],
            (std::pair<std::string, std::string>{"x-sb-error-code", "weak_password"}));

  http::Request versioned;
  versioned.headers.emplace_back("x-supabase-api-version", "2024-01-01");
  r = ErrorResponse(versioned, core::Error(e::kTooManyRequests, "slow down", 9));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(nlohmann::json::parse(r.body),
            (nlohmann::json{{"code", "over_request_rate_limit"}, {"message", "slow down"}}));
  bool retry_after = false, version = false;
  for (const auto& [name, value] : r.headers) {
    retry_after |= name == "Retry-After" && value == "9";
    version |= name == "X-Supabase-Api-Version" && value == "2024-01-01";
  }
  EXPECT_TRUE(retry_after);
  EXPECT_TRUE(version);  // supabase-js reads the body's shape from it

  // A version before the new shape, or one that is not a date, keeps the old one.
  http::Request old;
  old.headers.emplace_back("x-supabase-api-version", "2023-12-31");
  EXPECT_TRUE(nlohmann::json::parse(ErrorResponse(old, core::Error(e::kInternal, "x")).body)
                  .contains("error_code"));
}

}  // namespace
}  // namespace gh::api::gotrue
