// The route classes every dialect's table picks from: lanes and budgets as the
// settings make them.
#include "app/route_classes.h"

#include <gtest/gtest.h>

namespace gh::app {
namespace {

TEST(RouteClasses, GuessableClassesShareTheSignInBudget) {
  config::Config c;
  c.rate_limit_signin_per_minute = 7;
  c.rate_limit_signin_burst = 3;
  http::RouteClasses r = RouteClassesFrom(c, false);
  for (const http::RouteOptions* o : {&r.hashing, &r.sets_password, &r.guessing, &r.remote}) {
    EXPECT_EQ(o->rate_limit_per_minute, 7);
    EXPECT_EQ(o->rate_limit_burst, 3);
  }
  EXPECT_EQ(r.hashing.lane, http::Lane::kHashing);
  EXPECT_EQ(r.guessing.lane, http::Lane::kWorker);
  EXPECT_EQ(r.remote.lane, http::Lane::kRemote);
  EXPECT_EQ(r.plain.rate_limit_per_minute, 0);
  EXPECT_EQ(r.plain.rate_limit_burst, 0);
}

TEST(RouteClasses, OnlyTheHotPathKeepsItsBudgetInProcess) {
  http::RouteClasses r = RouteClassesFrom(config::Config(), false);
  for (const http::RouteOptions* o : {&r.hashing, &r.sets_password, &r.guessing, &r.remote,
                                      &r.anonymous, &r.sending_email, &r.sending_sms})
    EXPECT_TRUE(o->shared_rate_limit);
  EXPECT_FALSE(r.token.shared_rate_limit);
  EXPECT_FALSE(r.plain.shared_rate_limit);
}

TEST(RouteClasses, SettingAPasswordWaitsOnTheBreachCheckOnTheRemoteLane) {
  config::Config c;
  EXPECT_EQ(RouteClassesFrom(c, false).sets_password.lane, http::Lane::kHashing);
  EXPECT_EQ(RouteClassesFrom(c, true).sets_password.lane, http::Lane::kRemote);
  // Sign-in never sets a password: it stays on the hash lane either way.
  EXPECT_EQ(RouteClassesFrom(c, true).hashing.lane, http::Lane::kHashing);
}

TEST(RouteClasses, HourlyBudgetsAndTheirBursts) {
  config::Config c;
  c.rate_limit_token_per_minute = 90;
  c.rate_limit_token_burst = 30;
  c.rate_limit_anonymous_per_hour = 120;
  c.rate_limit_email_per_hour = 6;
  c.rate_limit_sms_per_hour = 600;
  http::RouteClasses r = RouteClassesFrom(c, false);
  EXPECT_EQ(r.token.rate_limit_per_minute, 90);
  EXPECT_EQ(r.token.rate_limit_burst, 30);
  EXPECT_EQ(r.anonymous.rate_limit_per_minute, 2);
  EXPECT_EQ(r.anonymous.rate_limit_burst, 10);
  EXPECT_EQ(r.sending_email.lane, http::Lane::kRemote);
  EXPECT_DOUBLE_EQ(r.sending_email.rate_limit_per_minute, 0.1);
  EXPECT_EQ(r.sending_email.rate_limit_burst, 6);
  EXPECT_EQ(r.sending_sms.lane, http::Lane::kRemote);
  EXPECT_EQ(r.sending_sms.rate_limit_per_minute, 10);
  EXPECT_EQ(r.sending_sms.rate_limit_burst, 10);  // a minute's worth
  c.rate_limit_sms_per_hour = 3;
  EXPECT_EQ(RouteClassesFrom(c, false).sending_sms.rate_limit_burst, 3);  // never above the hour
  c.rate_limit_sms_per_hour = 60;
  EXPECT_EQ(RouteClassesFrom(c, false).sending_sms.rate_limit_burst, 5);  // at least 5
}

}  // namespace
}  // namespace gh::app
