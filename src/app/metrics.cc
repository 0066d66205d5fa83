#include "app/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "http/route_classes.h"

namespace gh::app {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

constexpr const char* kLaneNames[3] = {"worker", "hashing", "remote"};  // http::Lane order
constexpr const char* kStatusClasses[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

// Which family an audit event type counts in, and under which method. Types
// not listed here still count in gatehouse_auth_events_total under their own
// name; a type no flow records counts there as "other" (the label set stays
// bounded whatever a future flow writes).
enum class Kind { kNone, kSignIn, kSignInFailure, kSignUp, kRefresh, kRefreshRefused, kReuse };
struct EventType {
  const char* type;
  Kind kind;
  const char* method;
};
constexpr EventType kEventTypes[] = {
    {"signin", Kind::kSignIn, "password"},
    {"signin-phone-password", Kind::kSignIn, "phone_password"},
    {"signin-sms", Kind::kSignIn, "sms"},
    {"signin-pat", Kind::kSignIn, "pat"},
    {"signin-anonymous", Kind::kSignIn, "anonymous"},
    {"signin-mfa", Kind::kSignIn, "mfa_totp"},
    {"signin-mfa-recovery", Kind::kSignIn, "mfa_recovery"},
    {"signin-oauth", Kind::kSignIn, "oauth"},
    {"signin-webauthn", Kind::kSignIn, "webauthn"},
    {"signin-email-otp", Kind::kSignIn, "email_otp"},
    {"signin-magic-link", Kind::kSignIn, "magic_link"},
    // Password, phone + password and passkey sign-ins all record this type.
    {"signin-failed", Kind::kSignInFailure, "password"},
    {"signin-sms-failed", Kind::kSignInFailure, "sms"},
    {"signin-email-otp-failed", Kind::kSignInFailure, "email_otp"},
    {"signin-pat-failed", Kind::kSignInFailure, "pat"},
    {"signin-mfa-failed", Kind::kSignInFailure, "mfa"},
    {"mfa-verify-failed", Kind::kSignInFailure, "mfa"},
    {"signup", Kind::kSignUp, "email"},
    {"signup-phone-password", Kind::kSignUp, "phone_password"},
    {"signup-sms", Kind::kSignUp, "sms"},
    {"signup-oauth", Kind::kSignUp, "oauth"},
    {"signup-passwordless-email", Kind::kSignUp, "passwordless_email"},
    {"token-refresh", Kind::kRefresh, nullptr},
    {"token-refresh-failed", Kind::kRefreshRefused, nullptr},
    {"token-reuse", Kind::kReuse, nullptr},
    {"signout", Kind::kNone, nullptr},
    {"signout-all", Kind::kNone, nullptr},
    {"signout-others", Kind::kNone, nullptr},
    {"deanonymize", Kind::kNone, nullptr},
    {"deanonymize-pending", Kind::kNone, nullptr},
    {"email-change", Kind::kNone, nullptr},
    {"phone-change", Kind::kNone, nullptr},
    {"password-reset", Kind::kNone, nullptr},
    {"password-change", Kind::kNone, nullptr},
    {"unproven-password-dropped", Kind::kNone, nullptr},
    {"mfa-enroll", Kind::kNone, nullptr},
    {"mfa-enrolled", Kind::kNone, nullptr},
    {"mfa-unenroll", Kind::kNone, nullptr},
    {"mfa-recovery-codes", Kind::kNone, nullptr},
    {"mfa-totp-on", Kind::kNone, nullptr},
    {"mfa-totp-off", Kind::kNone, nullptr},
    {"oauth-linked", Kind::kNone, nullptr},
    {"oauth-linked-by-email", Kind::kNone, nullptr},
    {"oauth-unlinked", Kind::kNone, nullptr},
    {"pat-create", Kind::kNone, nullptr},
    {"pat-revoke", Kind::kNone, nullptr},
    {"webauthn-added", Kind::kNone, nullptr},
    {"webauthn-removed", Kind::kNone, nullptr},
    {"webauthn-clone-suspected", Kind::kNone, nullptr},
};

int StatusClass(int status) { return status >= 100 && status < 600 ? status / 100 : 0; }

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  prometheus::Registry& r = *registry_;
  auto& requests = BuildCounter()
                       .Name("gatehouse_http_requests_total")
                       .Help("HTTP requests answered, by route class and status class.")
                       .Register(r);
  auto& latency = BuildHistogram()
                      .Name("gatehouse_http_request_duration_seconds")
                      .Help("Time from a request read whole to its response, by route class.")
                      .Register(r);
  auto& limited = BuildCounter()
                      .Name("gatehouse_rate_limited_total")
                      .Help("Requests refused by their per-client-IP budget (429), by route class.")
                      .Register(r);
  // Up to 10 s in steps that tell a refresh (sub-millisecond) from a hash
  // (tens of milliseconds) from a call to another service.
  const prometheus::Histogram::BucketBoundaries buckets = {
      0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  for (int c = 0; c < http::kRouteClassCount; ++c) {
    const std::string name = http::RouteClassName(static_cast<http::RouteClassId>(c));
    for (int s = 0; s < 6; ++s)
      requests_[c][s] = &requests.Add({{"route_class", name}, {"status_class", kStatusClasses[s]}});
    latency_[c] = &latency.Add({{"route_class", name}}, buckets);
    rate_limited_[c] = &limited.Add({{"route_class", name}});
  }

  auto& full =
      BuildCounter()
          .Name("gatehouse_lane_rejections_total")
          .Help("Requests refused because their lane's queue was full (429 / 503), by lane.")
          .Register(r);
  auto& depth = BuildGauge()
                    .Name("gatehouse_lane_queue_depth")
                    .Help("Tasks waiting in a lane's queue at the scrape, by lane.")
                    .Register(r);
  for (int l = 0; l < 3; ++l) {
    lane_full_[l] = &full.Add({{"lane", kLaneNames[l]}});
    lane_depth_[l] = &depth.Add({{"lane", kLaneNames[l]}});
  }

  auto& events = BuildCounter()
                     .Name("gatehouse_auth_events_total")
                     .Help("Domain events as the audit path records them, by event type.")
                     .Register(r);
  auto& signins = BuildCounter()
                      .Name("gatehouse_signins_total")
                      .Help("Successful sign-ins, by method.")
                      .Register(r);
  auto& failures = BuildCounter()
                       .Name("gatehouse_signin_failures_total")
                       .Help("Refused sign-in attempts (wrong password, code or token), by method.")
                       .Register(r);
  auto& signups =
      BuildCounter().Name("gatehouse_signups_total").Help("New users, by method.").Register(r);
  auto& refreshes = BuildCounter()
                        .Name("gatehouse_token_refreshes_total")
                        .Help("Refresh-token exchanges, by outcome (rotated, refused).")
                        .Register(r);
  auto& reuse =
      BuildCounter()
          .Name("gatehouse_refresh_token_reuse_total")
          .Help("Rotated refresh tokens presented again after the grace window (session revoked).")
          .Register(r);
  Counter& reused = reuse.Add({});
  for (const EventType& t : kEventTypes) {
    EventSlot slot;
    slot.event = &events.Add({{"type", t.type}});
    switch (t.kind) {
      case Kind::kSignIn:
        slot.kind = &signins.Add({{"method", t.method}});
        slot.activity = ActivityWindow::What::kSignIn;
        break;
      case Kind::kSignInFailure:
        slot.kind = &failures.Add({{"method", t.method}});
        slot.activity = ActivityWindow::What::kFailure;
        break;
      case Kind::kSignUp:
        slot.kind = &signups.Add({{"method", t.method}});
        slot.activity = ActivityWindow::What::kSignUp;
        break;
      case Kind::kRefresh:
        slot.kind = &refreshes.Add({{"outcome", "rotated"}});
        slot.activity = ActivityWindow::What::kRefresh;
        break;
      case Kind::kRefreshRefused:
        slot.kind = &refreshes.Add({{"outcome", "refused"}});
        slot.activity = ActivityWindow::What::kFailure;
        break;
      case Kind::kReuse:
        slot.kind = &reused;
        break;
      case Kind::kNone:
        break;
    }
    events_.emplace(t.type, slot);
  }
  other_event_ = &events.Add({{"type", "other"}});

  auto& mail = BuildCounter()
                   .Name("gatehouse_mail_sends_total")
                   .Help("Mails handed to the mail server, by outcome (sent, failed).")
                   .Register(r);
  auto& sms = BuildCounter()
                  .Name("gatehouse_sms_sends_total")
                  .Help("Text messages handed to the SMS provider, by outcome (sent, failed).")
                  .Register(r);
  mail_ = {&mail.Add({{"outcome", "failed"}}), &mail.Add({{"outcome", "sent"}})};
  sms_ = {&sms.Add({{"outcome", "failed"}}), &sms.Add({{"outcome", "sent"}})};
}

Metrics::~Metrics() = default;

void Metrics::OnResponse(http::RouteClassId route_class, int status, double seconds) {
  const int c = static_cast<int>(route_class);
  requests_[c][StatusClass(status)]->Increment();
  latency_[c]->Observe(seconds);
}

void Metrics::OnRateLimited(http::RouteClassId route_class) {
  rate_limited_[static_cast<int>(route_class)]->Increment();
  activity_.Add(ActivityWindow::What::kRateLimited);
}

void Metrics::OnLaneFull(http::Lane lane) { lane_full_[static_cast<int>(lane)]->Increment(); }

void Metrics::WatchLanes(std::function<http::LaneDepths()> depths) {
  std::lock_guard<std::mutex> lock(lanes_mu_);
  lanes_ = std::move(depths);
}

void Metrics::OnEvent(const core::AuditEvent& event, bool /*kept*/) {
  auto it = events_.find(event.type);
  if (it == events_.end()) {
    other_event_->Increment();
    return;
  }
  it->second.event->Increment();
  if (it->second.kind) it->second.kind->Increment();
  if (it->second.activity) activity_.Add(*it->second.activity);
}

void Metrics::OnMailSent(bool ok) { mail_[ok ? 1 : 0]->Increment(); }
void Metrics::OnSmsSent(bool ok) { sms_[ok ? 1 : 0]->Increment(); }

std::string Metrics::Scrape() {
  {
    std::lock_guard<std::mutex> lock(lanes_mu_);
    if (lanes_) {
      http::LaneDepths d = lanes_();
      lane_depth_[0]->Set(static_cast<double>(d.worker));
      lane_depth_[1]->Set(static_cast<double>(d.hashing));
      lane_depth_[2]->Set(static_cast<double>(d.remote));
    }
  }
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace gh::app
