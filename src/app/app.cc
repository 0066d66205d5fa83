#include "app/app.h"

#include <sstream>
#include <thread>

#include "api/console/console.h"
#include "api/gotrue/errors.h"
#include "api/nhost/errors.h"
#include "app/flows.h"
#include "app/gotrue_dialect.h"
#include "app/housekeeping.h"
#include "app/keys.h"
#include "app/metrics.h"
#include "app/migrated_store.h"
#include "app/native_dialect.h"
#include "app/observability.h"
#include "app/route_classes.h"
#include "app/shared_limits.h"
#include "config/settings.h"
#include "core/clock.h"
#include "crypto/jwt.h"
#include "http/server.h"
#include "net/url.h"
#include "store/observed_store.h"
#include "store/store.h"

namespace gh::app {

namespace {
// Where the native dialect is served: its routes and its error shape.
constexpr char kNativeMount[] = "/v1";
}  // namespace

// Declaration order is construction order: each part only refers to parts above it.
struct App::Parts {
  config::Config config;
  const core::Clock& clock = core::SystemClock::Instance();
  // Who watches: null / empty unless metrics or JSON lines are on.
  std::shared_ptr<Metrics> metrics;
  EventLines event_lines;
  EventFanout events;
  std::unique_ptr<store::Store> store;
  // `store` as the flows see it: its audit log also tells `events` (null when
  // nothing watches, and the flows get `store` itself).
  std::unique_ptr<store::ObservedStore> observed_store;
  std::unique_ptr<Flows> flows;
  std::unique_ptr<NativeDialect> native;
  std::unique_ptr<GoTrueDialect> gotrue;  // null when gotrue_mount is empty
  std::unique_ptr<Housekeeper> housekeeper;
  std::shared_ptr<const http::Router> router;
  std::unique_ptr<http::Server> server;
  // metrics_listen: a server of its own, serving /metrics only, on its own thread.
  std::unique_ptr<http::Server> metrics_server;
  std::thread metrics_thread;

  store::Store& flow_store() { return observed_store ? *observed_store : *store; }
};

namespace {

http::ServerOptions ServerOptionsFrom(const config::Config& c) {
  http::ServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.io_threads = c.io_threads;
  o.worker_threads = c.worker_threads;
  o.hash_threads = c.hash_threads;
  o.hash_queue_limit = c.hash_queue_limit;
  o.remote_threads = c.remote_threads;
  o.remote_queue_limit = c.remote_queue_limit;
  o.body_limit_bytes = c.body_limit_bytes;
  o.request_timeout_seconds = c.request_timeout_seconds;
  o.idle_timeout_seconds = c.idle_timeout_seconds;
  o.max_connections = c.max_connections;
  o.max_connections_per_ip = c.max_connections_per_ip;
  o.fd_reserve = c.connection_fd_reserve;
  o.client_ip.trust_proxy = c.trust_proxy;
  o.client_ip.trusted_proxies = c.trusted_proxies;
  o.client_ip.hops = c.trusted_proxy_hops;
  o.client_ip.header = c.client_ip_header;
  o.cors_allowed_origins = c.cors_allowed_origins;
  o.access_log = c.access_log;
  o.access_log_json = c.access_log_json;
  // Errors the server raises itself take the shape of the mount the path lies
  // under; the native dialect also answers for paths under no mount.
  o.errors.SetDefault(api::nhost::RenderError);
  o.errors.Mount(kNativeMount, api::nhost::RenderError);
  if (!c.gotrue_mount.empty()) o.errors.Mount(c.gotrue_mount, api::gotrue::RenderError);
  return o;
}

bool MetricsOn(const config::Config& c) {
  return !c.metrics_listen.empty() || !c.metrics_token.empty();
}

// The operators' console (api/console) calls the GoTrue admin API with the
// admin secret: without both there is nothing it could do, so it is not served.
bool ConsoleOn(const config::Config& c) {
  return !c.admin_secret.empty() && !c.gotrue_mount.empty();
}

// The metrics listener: one thread of each kind is plenty for a scrape every
// few seconds; it keeps no access log (scrapes would drown the requests) and
// counts nothing in the metrics it serves.
http::ServerOptions MetricsServerOptions(const config::Config& c) {
  http::ServerOptions o;
  std::optional<config::ListenAddress> a = config::ParseListenAddress(c.metrics_listen);
  if (a) {  // Validate refused anything else
    o.host = a->host;
    o.port = a->port;
  }
  o.io_threads = 1;
  o.worker_threads = 1;
  o.hash_threads = 1;
  o.remote_threads = 1;
  o.worker_queue_limit = 64;
  o.max_connections = 64;
  o.max_connections_per_ip = 16;
  o.body_limit_bytes = 4096;
  o.access_log = false;
  o.errors.SetDefault(api::nhost::RenderError);
  return o;
}

// A redirect rule that cannot be read would silently allow nothing (or, read
// loosely, too much): refuse to start instead, naming it.
core::Result<void> CheckRedirectRules(const config::Config& c) {
  std::vector<std::pair<std::string, std::string>> rules = {{"client_url", c.client_url}};
  for (const auto& u : c.allowed_redirect_urls) rules.emplace_back("allowed_redirect_urls", u);
  for (const auto& [setting, rule] : rules) {
    if (auto p = net::UrlPattern::Parse(rule); !p)
      return core::Error(core::errc::kInvalidRequest,
                         setting + ": \"" + rule + "\": " + p.error().message);
  }
  return core::Ok();
}

}  // namespace

core::Result<std::unique_ptr<App>> App::Create(const config::Config& config) {
  if (auto r = CheckRedirectRules(config); !r) return r.error();
  auto p = std::make_unique<Parts>();
  p->config = config;
  // The console's live figures come from the metrics' counts, so it keeps
  // them too (without serving /metrics unless asked).
  if (MetricsOn(p->config) || ConsoleOn(p->config)) {
    p->metrics = std::make_shared<Metrics>();
    p->events.Add(p->metrics.get());
  }
  if (p->config.access_log_json) p->events.Add(&p->event_lines);
  auto store = OpenMigrated(p->config);
  if (!store) return store.error();
  p->store = std::move(*store);
  if (!p->events.empty())
    p->observed_store = std::make_unique<store::ObservedStore>(*p->store, p->events);
  auto keys = LoadKeyRing(p->config, *p->store, p->clock);
  if (!keys) return core::Error(keys.error().code, "signing keys: " + keys.error().message);

  auto flows = BuildFlows(p->config, p->flow_store(), p->clock, std::move(*keys), p->metrics.get());
  if (!flows) return flows.error();
  p->flows = std::move(*flows);
  // One table of route classes for every dialect: the same flow is limited
  // alike whichever dialect serves it.
  const http::RouteClasses classes =
      RouteClassesFrom(p->config, p->flows->password->ScreensBreaches());
  auto router = std::make_shared<http::Router>();
  p->native = std::make_unique<NativeDialect>(p->config, *p->flows, kNativeMount);
  p->native->Register(*router, classes);
  if (!p->config.gotrue_mount.empty()) {
    p->gotrue = std::make_unique<GoTrueDialect>(p->config, *p->flows, p->config.gotrue_mount,
                                                p->metrics ? &p->metrics->Activity() : nullptr);
    p->gotrue->Register(*router, classes);
  }
  if (ConsoleOn(p->config))
    api::console::RegisterRoutes(*router, p->config.gotrue_mount + "/admin", classes.plain);
  if (MetricsOn(p->config)) {
    // Guessable when it asks for a token: the sign-in budget's rate, a bucket of its own.
    http::RouteOptions o = classes.plain;
    if (!p->config.metrics_token.empty()) {
      o.rate_limit_per_minute = classes.guessing.rate_limit_per_minute;
      o.rate_limit_burst = classes.guessing.rate_limit_burst;
    }
    if (p->config.metrics_listen.empty()) {
      AddMetricsRoute(*router, *p->metrics, p->config.metrics_token, o);
    } else {
      auto metrics_router = std::make_shared<http::Router>();
      AddMetricsRoute(*metrics_router, *p->metrics, p->config.metrics_token, o);
      p->metrics_server =
          std::make_unique<http::Server>(MetricsServerOptions(p->config), metrics_router);
    }
  }
  p->router = router;

  p->housekeeper =
      std::make_unique<Housekeeper>(*p->store, p->clock, p->config, *p->flows->anonymous);
  http::ServerOptions server_options = ServerOptionsFrom(p->config);
  server_options.shared_rate_limit = SharedRateLimitFor(p->config, *p->store, p->clock);
  server_options.observer = p->metrics;
  p->server = std::make_unique<http::Server>(std::move(server_options), router);
  return std::unique_ptr<App>(new App(std::move(p)));
}

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
App::~App() {
  if (parts_->metrics_thread.joinable()) {
    parts_->metrics_server->Stop(0);
    parts_->metrics_thread.join();
  }
}

core::Result<void> App::Listen() {
  if (auto r = parts_->server->Listen(); !r) return r;
  if (parts_->metrics_server) {
    if (auto r = parts_->metrics_server->Listen(); !r)
      return core::Error(r.error().code, "metrics_listen: " + r.error().message);
  }
  // Only now is a free port (port = 0) known; nothing has been served yet, so
  // the flows reading the config see the final URL from their first request.
  config::Config& c = parts_->config;
  if (c.public_url_from_listen && c.port == 0) c.public_url = config::ListenUrl(c.host, port());
  return core::Ok();
}
int App::port() const { return parts_->server->port(); }
void App::Run() {
  if (parts_->metrics_server)
    parts_->metrics_thread = std::thread([this] { parts_->metrics_server->Run(); });
  parts_->housekeeper->Start();
  parts_->server->Run();
  if (parts_->metrics_thread.joinable()) {
    parts_->metrics_server->Stop(0);
    parts_->metrics_thread.join();
  }
  parts_->flows->email->mail_queue->Stop();  // mails asked for before the drain still go out
  parts_->housekeeper->Stop();
}
void App::Stop() { parts_->server->Stop(); }

std::string App::Routes() const {
  std::string out;
  for (const http::Router::Route& r : parts_->router->routes()) {
    out += r.method + " " + r.pattern;
    if (r.when) out += " (" + r.when_label + ")";
    out += "\n";
  }
  return out;
}

namespace {

std::string SocialLine(const std::vector<std::string>& providers) {
  if (providers.empty()) return "off";
  std::string line;
  for (const auto& name : providers) line += (line.empty() ? "" : ", ") + name;
  return line;
}

std::string MetricsLine(const config::Config& c, const http::Server* metrics_server) {
  if (!MetricsOn(c)) return "off";
  std::string token = c.metrics_token.empty() ? "" : " (bearer token)";
  if (!metrics_server) return "/metrics on this listener" + token;
  std::optional<config::ListenAddress> a = config::ParseListenAddress(c.metrics_listen);
  return config::ListenUrl(a ? a->host : "", metrics_server->port()) + "/metrics" + token;
}

}  // namespace

std::string App::Banner() const {
  const config::Config& c = parts_->config;
  std::ostringstream out;
  std::string base = c.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  out << "gatehouse " << GATEHOUSE_VERSION << " listening on http://" << c.host << ":" << port()
      << "\n"
      << "  public URL    " << c.public_url
      << (c.public_url_from_listen ? " (the listen address; set public_url behind a proxy)" : "")
      << "\n"
      << "  native API    " << base << "/v1\n"
      << "  client URL    " << c.client_url << "\n"
      << "  database      " << store::DescribeDatabase(c.database_url, c.database_schema) << "\n"
      << "  signing       " << parts_->flows->tokens->key_ring()->algorithm() << " (kid "
      << parts_->flows->tokens->key_ring()->active_kid() << ")\n"
      << "  sign-in       email+password " << (c.email_signin_enabled ? "on" : "off")
      << ", anonymous " << (c.anonymous_signin_enabled ? "on" : "off") << ", sign-up "
      << (c.signup_disabled ? "off" : "on") << "\n"
      << "  phone         sms code " << (c.sms_passwordless_enabled ? "on" : "off")
      << ", phone+password " << (c.phone_password_enabled ? "on" : "off") << " (provider "
      << c.sms_provider << ")\n"
      << "  second factor TOTP " << (c.mfa_enabled ? "on" : "off") << "\n"
      << "  social        " << SocialLine(parts_->flows->oauth->ProviderNames()) << "\n"
      << "  email         " << parts_->flows->email->Describe(c) << "\n"
      << "  metrics       " << MetricsLine(c, parts_->metrics_server.get()) << "\n";
  return out.str();
}

core::Result<int> PruneAnonymous(const config::Config& config, int64_t older_than_seconds) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  int64_t before = core::SystemClock::Instance().NowMillis() - older_than_seconds * 1000;
  return (*store)->users().DeleteAnonymousCreatedBefore(before);
}

core::Result<void> Migrate(const config::Config& config) {
  auto store = OpenMigrated(config);
  if (!store) return store.error();
  return core::Ok();
}

}  // namespace gh::app
