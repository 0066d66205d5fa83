#include "app/route_classes.h"

#include <algorithm>

namespace gh::app {

http::RouteClasses RouteClassesFrom(const config::Config& c, bool screens_breaches) {
  http::RouteClasses r;
  // Everything guessable shares the sign-in budget per IP: a client cannot
  // double its guesses by spreading them over passwords, codes and tickets.
  r.guessing.rate_limit_per_minute = c.rate_limit_signin_per_minute;
  r.guessing.rate_limit_burst = c.rate_limit_signin_burst;
  // Counted where every instance sees it when there is such a place (see
  // app/shared_limits.h): each of these routes does store or provider work
  // anyway. Token and plain routes keep in-process buckets (the hot path).
  r.guessing.shared_rate_limit = true;
  r.hashing = r.guessing;
  r.hashing.lane = http::Lane::kHashing;
  r.sets_password = r.hashing;
  if (screens_breaches) r.sets_password.lane = http::Lane::kRemote;
  // Calls to a provider may block for up to oauth_http_timeout_seconds and must
  // not hold the workers token refresh needs.
  r.remote = r.guessing;
  r.remote.lane = http::Lane::kRemote;

  r.token.rate_limit_per_minute = c.rate_limit_token_per_minute;
  r.token.rate_limit_burst = c.rate_limit_token_burst;

  // Each call creates a user: an hourly budget, at most 10 at once.
  r.anonymous.rate_limit_per_minute = c.rate_limit_anonymous_per_hour / 60.0;
  r.anonymous.rate_limit_burst = std::min(c.rate_limit_anonymous_per_hour, 10);
  r.anonymous.shared_rate_limit = true;

  // Each call may send a mail (waits on the SMTP server): an hourly budget.
  r.sending_email.lane = http::Lane::kRemote;
  r.sending_email.rate_limit_per_minute = c.rate_limit_email_per_hour / 60.0;
  r.sending_email.rate_limit_burst = std::min(c.rate_limit_email_per_hour, 10);
  r.sending_email.shared_rate_limit = true;

  // Each call may cost a text message (waits on the provider): an hourly
  // budget, with a burst of a minute's worth, at least 5.
  r.sending_sms.lane = http::Lane::kRemote;
  r.sending_sms.rate_limit_per_minute = c.rate_limit_sms_per_hour / 60.0;
  r.sending_sms.rate_limit_burst =
      std::max(std::min(c.rate_limit_sms_per_hour, 5), c.rate_limit_sms_per_hour / 60);
  r.sending_sms.shared_rate_limit = true;

  // A hook called on the way holds its handler for up to the hooks' budget:
  // with the custom access token hook, every route that hands out a token
  // (refresh included, GoTrue calls the hook there too); with the user-created
  // and MFA hooks, sign-ups by code, anonymous users and second factors. They
  // move to the remote lane so that the workers stay free. (Password sign-ins
  // stay on the hash lane and wait there.)
  const bool token_hook = c.hook_custom_access_token.enabled;
  if (token_hook || c.hook_before_user_created.enabled || c.hook_after_user_created.enabled ||
      c.hook_mfa_verification_attempt.enabled) {
    r.guessing.lane = http::Lane::kRemote;
    r.anonymous.lane = http::Lane::kRemote;
  }
  if (token_hook) r.token.lane = http::Lane::kRemote;

  r.hashing.route_class = http::RouteClassId::kHashing;
  r.sets_password.route_class = http::RouteClassId::kSetsPassword;
  r.guessing.route_class = http::RouteClassId::kGuessing;
  r.token.route_class = http::RouteClassId::kToken;
  r.anonymous.route_class = http::RouteClassId::kAnonymous;
  r.sending_email.route_class = http::RouteClassId::kSendingEmail;
  r.sending_sms.route_class = http::RouteClassId::kSendingSms;
  r.remote.route_class = http::RouteClassId::kRemote;
  r.plain.route_class = http::RouteClassId::kPlain;
  return r;
}

}  // namespace gh::app
