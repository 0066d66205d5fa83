#include "config/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace gh::config {
namespace {

TEST(Settings, DefaultsAreValid) {
  auto c = Load({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 4000);
  EXPECT_EQ(c->access_token_ttl_seconds, 900);
  EXPECT_EQ(c->refresh_token_ttl_seconds, 30 * 24 * 3600);
  EXPECT_EQ(c->password_min_length, 9);
  EXPECT_EQ(c->jwt_algorithm, "ES256");
  EXPECT_TRUE(Validate(*c).empty());
}

TEST(Settings, ReadsEnvironmentAndAliases) {
  auto c = Load({{"GATEHOUSE_PORT", "8080"},
                 {"AUTH_ACCESS_TOKEN_EXPIRES_IN", "600"},
                 {"GATEHOUSE_ALLOWED_ROLES", "user, me ,editor"},
                 {"GATEHOUSE_SIGNUP_DISABLED", "TRUE"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 8080);
  EXPECT_EQ(c->access_token_ttl_seconds, 600);
  EXPECT_EQ(c->allowed_roles, (std::vector<std::string>{"user", "me", "editor"}));
  EXPECT_TRUE(c->signup_disabled);
}

TEST(Settings, PublicUrlFollowsTheListenAddressUnlessGiven) {
  auto d = Load({});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->public_url, "http://localhost:4000");
  EXPECT_TRUE(d->public_url_from_listen);
  auto moved = Load({{"GATEHOUSE_PORT", "4100"}, {"GATEHOUSE_HOST", "127.0.0.1"}});
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->public_url, "http://127.0.0.1:4100");
  auto v6 = Load({{"GATEHOUSE_PORT", "4100"}, {"GATEHOUSE_HOST", "::1"}});
  EXPECT_EQ(v6->public_url, "http://[::1]:4100");
  auto given =
      Load({{"GATEHOUSE_PORT", "4100"}, {"GATEHOUSE_PUBLIC_URL", "https://auth.example.com"}});
  EXPECT_EQ(given->public_url, "https://auth.example.com");
  EXPECT_FALSE(given->public_url_from_listen);
}

TEST(Settings, NhostServerUrlLosesItsV1Suffix) {
  EXPECT_EQ(Load({{"AUTH_SERVER_URL", "https://auth.example.com/v1"}})->public_url,
            "https://auth.example.com");
  EXPECT_EQ(Load({{"AUTH_SERVER_URL", "https://example.com/auth/v1/"}})->public_url,
            "https://example.com/auth");
  EXPECT_EQ(Load({{"AUTH_SERVER_URL", "https://auth.example.com"}})->public_url,
            "https://auth.example.com");
  // Our own name means the root above /v1, as documented.
  EXPECT_EQ(Load({{"GATEHOUSE_PUBLIC_URL", "https://h.example.com/v1"}})->public_url,
            "https://h.example.com/v1");
}

TEST(Settings, UnknownVariablesAreNamedWithTheNearestKnownOne) {
  auto lines = UnknownEnvironment({{"GATEHOUSE_PROT", "1"},
                                   {"GATEHOUSE_PORT", "1"},
                                   {"AUTH_SERVER_URL", "x"},
                                   {"AUTH_SMTP_WHATEVER_NHOST_HAS", "x"},
                                   {"GATEHOUSE_OIDC_CORP_ISSUER", "x"},
                                   {"PATH", "/bin"}});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("AUTH_SMTP_WHATEVER_NHOST_HAS is not a setting"), std::string::npos);
  EXPECT_EQ(lines[0].find("did you mean"), std::string::npos);
  EXPECT_NE(lines[1].find("GATEHOUSE_PROT"), std::string::npos);
  EXPECT_NE(lines[1].find("(did you mean GATEHOUSE_PORT?)"), std::string::npos);
}

TEST(Settings, GatehouseNameWinsOverAlias) {
  auto c = Load({{"GATEHOUSE_PORT", "5000"}, {"AUTH_PORT", "6000"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, 5000);
}

TEST(Settings, ProxyGuessAndConnectionSettings) {
  Config defaults;
  EXPECT_FALSE(defaults.trust_proxy);
  EXPECT_TRUE(defaults.trusted_proxies.empty());
  EXPECT_EQ(defaults.account_guess_limit_per_hour, 100);
  EXPECT_GT(defaults.max_connections_per_ip, 0);
  auto c = Load({{"GOTRUE_RATE_LIMIT_HEADER", "X-Real-IP"},
                 {"GATEHOUSE_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"},
                 {"GATEHOUSE_TRUSTED_PROXY_HOPS", "2"},
                 {"GATEHOUSE_ACCOUNT_GUESS_LIMIT_PER_HOUR", "50"},
                 {"GATEHOUSE_ACCOUNT_GUESS_FREE_FAILURES", "3"},
                 {"GATEHOUSE_ACCOUNT_GUESS_BACKOFF_MAX_SECONDS", "30"},
                 {"GATEHOUSE_MAX_CONNECTIONS", "500"},
                 {"GATEHOUSE_MAX_CONNECTIONS_PER_IP", "20"},
                 {"GATEHOUSE_CONNECTION_FD_RESERVE", "32"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->client_ip_header, "X-Real-IP");
  EXPECT_EQ(c->trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "127.0.0.1"}));
  EXPECT_EQ(c->trusted_proxy_hops, 2);
  EXPECT_EQ(c->account_guess_limit_per_hour, 50);
  EXPECT_EQ(c->account_guess_free_failures, 3);
  EXPECT_EQ(c->account_guess_backoff_max_seconds, 30);
  EXPECT_EQ(c->max_connections, 500);
  EXPECT_EQ(c->max_connections_per_ip, 20);
  EXPECT_EQ(c->connection_fd_reserve, 32);
  auto ours = Load({{"GATEHOUSE_CLIENT_IP_HEADER", "CF-Connecting-IP"},
                    {"GOTRUE_RATE_LIMIT_HEADER", "X-Real-IP"}});
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->client_ip_header, "CF-Connecting-IP");
}

TEST(Settings, SecretImpliesHs256AndMustBeLongEnough) {
  auto short_secret = Load({{"GATEHOUSE_JWT_SECRET", "too-short"}});
  ASSERT_FALSE(short_secret.ok());
  EXPECT_NE(short_secret.error().message.find("jwt_secret"), std::string::npos);
  auto c = Load({{"GATEHOUSE_JWT_SECRET", std::string(32, 'k')}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->jwt_algorithm, "HS256");
}

TEST(Settings, HasuraJwtSecretAsNhostSetsIt) {
  const std::string key(40, 'h');
  auto c = Load({{"HASURA_GRAPHQL_JWT_SECRET",
                  R"({"type":"HS256","key":")" + key +
                      R"(","claims_namespace":"https://x.io/claims","issuer":"nhost"})"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->jwt_secret, key);
  EXPECT_EQ(c->jwt_algorithm, "HS256");
  EXPECT_EQ(c->jwt_claims_namespace, "https://x.io/claims");
  EXPECT_EQ(c->jwt_issuer, "nhost");
  EXPECT_EQ(c->jwt_audience, "authenticated");  // not in the JSON: our default stays

  // Our own names win; the same key given twice is fine, another one is a mistake.
  auto ours = Load(
      {{"HASURA_GRAPHQL_JWT_SECRET", R"({"type":"HS256","key":")" + key + R"(","issuer":"nhost"})"},
       {"GATEHOUSE_JWT_ISSUER", "ours"},
       {"AUTH_JWT_SECRET", key}});
  ASSERT_TRUE(ours.ok()) << ours.error().message;
  EXPECT_EQ(ours->jwt_issuer, "ours");
  auto differ = Load({{"HASURA_GRAPHQL_JWT_SECRET", R"({"type":"HS256","key":")" + key + R"("})"},
                      {"GATEHOUSE_JWT_SECRET", std::string(40, 'g')}});
  ASSERT_FALSE(differ.ok());
  EXPECT_NE(differ.error().message.find("differs"), std::string::npos);

  for (const char* bad : {R"({"type":"RS256","key":"-----BEGIN PUBLIC KEY-----"})",
                          R"({"type":"HS256"})", "HS256", "{"}) {
    auto r = Load({{"HASURA_GRAPHQL_JWT_SECRET", bad}});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("HASURA_GRAPHQL_JWT_SECRET: "), std::string::npos) << bad;
  }
  EXPECT_TRUE(Load({{"HASURA_GRAPHQL_JWT_SECRET", ""}}).ok());
}

TEST(Settings, ReportsEveryProblemNamingTheVariable) {
  auto c = Load({{"GATEHOUSE_PORT", "http"},
                 {"GATEHOUSE_PASSWORD_MIN_LENGTH", "0"},
                 {"GATEHOUSE_DEFAULT_ROLE", "admin"},
                 {"GATEHOUSE_JWT_ALGORITHM", "none"}});
  ASSERT_FALSE(c.ok());
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("GATEHOUSE_PORT: expected an integer"), std::string::npos) << m;
  EXPECT_NE(m.find("GATEHOUSE_PASSWORD_MIN_LENGTH: must be between"), std::string::npos) << m;
  EXPECT_NE(m.find("GATEHOUSE_JWT_ALGORITHM: must be one of"), std::string::npos) << m;
  EXPECT_NE(m.find("default_role \"admin\" must be one of allowed_roles"), std::string::npos) << m;
}

TEST(Settings, PasswordMaximumAcceptsAtLeast64) {
  EXPECT_FALSE(Load({{"GATEHOUSE_PASSWORD_MAX_LENGTH", "50"}}).ok());
  EXPECT_TRUE(Load({{"GATEHOUSE_PASSWORD_MAX_LENGTH", "64"}}).ok());
}

class TomlFile : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    char tmpl[] = "/tmp/gh-settings-XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
    std::ofstream(path_) << text;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  std::string path_;
};

TEST_F(TomlFile, ReadsFlatKeysAndEnvironmentWins) {
  Write(
      "port = 7000\naccess_token_ttl_seconds = 300\nallowed_locales = [\"en\", \"fr\"]\n"
      "signup_disabled = true\n");
  auto c = Load({{"GATEHOUSE_PORT", "7001"}}, path_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->port, 7001);
  EXPECT_EQ(c->access_token_ttl_seconds, 300);
  EXPECT_EQ(c->allowed_locales, (std::vector<std::string>{"en", "fr"}));
  EXPECT_TRUE(c->signup_disabled);
}

TEST_F(TomlFile, RejectsUnknownKeysAndSyntaxErrors) {
  Write("prot = 7000\n");
  auto c = Load({}, path_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown setting \"prot\""), std::string::npos);
  Write("port = = 1\n");
  auto d = Load({}, path_);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("line 1"), std::string::npos) << d.error().message;
}

TEST(Settings, DocsListEverySettingAndDescribeMasksSecrets) {
  std::string md = RenderMarkdown();
  for (const Setting& s : Settings()) EXPECT_NE(md.find("`" + s.env + "`"), std::string::npos);
  Config c;
  c.jwt_secret = std::string(40, 's');
  std::string text = Describe(c);
  EXPECT_EQ(text.find(c.jwt_secret), std::string::npos);
  EXPECT_NE(text.find("jwt_secret = (set, 40 bytes)"), std::string::npos);
}

// The console's settings page (GET /auth/v1/admin/settings) shows these rows:
// every secret setting is marked and none shows a byte of its value.
TEST(Settings, DescribeSettingsMasksEverySecret) {
  Config c;
  for (const Setting& s : Settings())
    if (s.secret) (void)s.set(c, "postgres://u:zz-secret-zz@h/db");
  c.jwt_secret = "zz-secret-zz-zz-secret-zz-zz-secret-zz";
  c.admin_secret = "zz-secret-zz";
  size_t secrets = 0;
  for (const DescribedSetting& d : DescribeSettings(c)) {
    EXPECT_EQ(d.value.find("zz-secret-zz"), std::string::npos) << d.key << " = " << d.value;
    if (d.secret) ++secrets;
    if (d.key == "admin_secret") {
      EXPECT_TRUE(d.secret);
      EXPECT_EQ(d.value, "(set, 12 bytes)");
    }
  }
  EXPECT_GE(secrets, 5u);
  EXPECT_EQ(MaskSecret(""), "");
}

}  // namespace
}  // namespace gh::config

namespace gh::config {
namespace {

// docs/configuration.md is generated; this fails when a setting changed without
// regenerating it (`gatehouse config docs > docs/configuration.md`).
TEST(Settings, CommittedDocsMatchTheTable) {
  std::string here = __FILE__;  // <root>/tests/unit/config/settings_test.cc
  std::string root = here.substr(0, here.rfind("/tests/unit/config/"));
  std::ifstream in(root + "/docs/configuration.md");
  ASSERT_TRUE(in.good()) << "missing " << root << "/docs/configuration.md";
  std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(committed, RenderMarkdown())
      << "regenerate with: gatehouse config docs > docs/configuration.md";
}

}  // namespace
}  // namespace gh::config

namespace gh::config {
namespace {

const OAuthProvider* Provider(const Config& c, const std::string& name) {
  for (const auto& p : c.oauth_providers)
    if (p.name == name) return &p;
  return nullptr;
}

TEST(ProviderSettings, BuiltInProvidersFromEnvironmentAndNhostAliases) {
  auto c = Load({{"GATEHOUSE_PROVIDER_GOOGLE_ENABLED", "true"},
                 {"GATEHOUSE_PROVIDER_GOOGLE_CLIENT_ID", "g-id"},
                 {"GATEHOUSE_PROVIDER_GOOGLE_SCOPES", "openid, email"},
                 {"GATEHOUSE_PROVIDER_GOOGLE_AUDIENCES", "ios,android"},
                 {"GATEHOUSE_PROVIDER_GOOGLE_TOKEN_URL", "http://127.0.0.1:9/token"},
                 {"AUTH_PROVIDER_GITHUB_ENABLED", "true"},
                 {"AUTH_PROVIDER_GITHUB_CLIENT_ID", "gh-id"},
                 {"AUTH_PROVIDER_GITHUB_CLIENT_SECRET", "gh-secret"},
                 {"AUTH_PROVIDER_APPLE_ENABLED", "1"},
                 {"AUTH_PROVIDER_APPLE_CLIENT_ID", "com.example"},
                 {"AUTH_PROVIDER_APPLE_TEAM_ID", "T"},
                 {"AUTH_PROVIDER_APPLE_KEY_ID", "K"},
                 {"AUTH_PROVIDER_APPLE_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  const OAuthProvider* g = Provider(*c, "google");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->kind, "google");
  EXPECT_TRUE(g->enabled);
  EXPECT_EQ(g->client_id, "g-id");
  EXPECT_EQ(g->scopes, (std::vector<std::string>{"openid", "email"}));
  EXPECT_EQ(g->audiences, (std::vector<std::string>{"ios", "android"}));
  EXPECT_EQ(g->token_url, "http://127.0.0.1:9/token");
  ASSERT_NE(Provider(*c, "github"), nullptr);
  EXPECT_EQ(Provider(*c, "github")->client_secret, "gh-secret");
  ASSERT_NE(Provider(*c, "apple"), nullptr);
  EXPECT_EQ(Provider(*c, "apple")->apple_team_id, "T");
  EXPECT_EQ(Provider(*c, "discord"), nullptr);  // nothing set
  std::string described = Describe(*c);
  EXPECT_EQ(described.find("gh-secret"), std::string::npos);
  EXPECT_NE(described.find("provider.google.client_id = g-id"), std::string::npos);
}

TEST(ProviderSettings, EnabledProviderNeedsItsSettings) {
  auto c = Load({{"GATEHOUSE_PROVIDER_DISCORD_ENABLED", "true"},
                 {"GATEHOUSE_PROVIDER_APPLE_ENABLED", "true"},
                 {"GATEHOUSE_PROVIDER_APPLE_CLIENT_ID", "com.example"},
                 {"GATEHOUSE_PROVIDER_FACEBOOK_ENABLED", "maybe"}});
  ASSERT_FALSE(c.ok());
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("provider discord: client_id is required"), std::string::npos) << m;
  EXPECT_NE(m.find("provider apple: team_id, key_id and private_key are required"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("GATEHOUSE_PROVIDER_FACEBOOK_ENABLED: expected true or false"),
            std::string::npos)
      << m;
  // Settings of a disabled provider are not checked.
  EXPECT_TRUE(Load({{"GATEHOUSE_PROVIDER_DISCORD_CLIENT_SECRET", "s"}}).ok());
}

TEST(ProviderSettings, GenericOidcProvidersAreNamedByTheList) {
  auto c = Load({{"GATEHOUSE_OIDC_PROVIDERS", "acme, corp-sso"},
                 {"GATEHOUSE_OIDC_ACME_ISSUER", "https://acme.example"},
                 {"GATEHOUSE_OIDC_ACME_CLIENT_ID", "a-id"},
                 {"GATEHOUSE_OIDC_ACME_CLIENT_SECRET", "a-secret"},
                 {"GATEHOUSE_OIDC_CORP_SSO_ISSUER", "https://sso.corp"},
                 {"GATEHOUSE_OIDC_CORP_SSO_CLIENT_ID", "c-id"},
                 {"GATEHOUSE_OIDC_CORP_SSO_SCOPES", "openid,groups"},
                 {"GATEHOUSE_OIDC_OTHER_ISSUER", "https://not-listed"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  const OAuthProvider* acme = Provider(*c, "acme");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->kind, "oidc");
  EXPECT_TRUE(acme->enabled);
  EXPECT_EQ(acme->issuer, "https://acme.example");
  EXPECT_EQ(acme->client_secret, "a-secret");
  const OAuthProvider* corp = Provider(*c, "corp-sso");
  ASSERT_NE(corp, nullptr);
  EXPECT_EQ(corp->scopes, (std::vector<std::string>{"openid", "groups"}));
  EXPECT_EQ(Provider(*c, "other"), nullptr);
  std::string described = Describe(*c);
  EXPECT_NE(described.find("oidc.corp-sso.issuer = https://sso.corp"), std::string::npos);
  EXPECT_EQ(described.find("a-secret"), std::string::npos);

  auto missing_issuer =
      Load({{"GATEHOUSE_OIDC_PROVIDERS", "acme"}, {"GATEHOUSE_OIDC_ACME_CLIENT_ID", "x"}});
  ASSERT_FALSE(missing_issuer.ok());
  EXPECT_NE(missing_issuer.error().message.find("provider acme: issuer is required"),
            std::string::npos);
  EXPECT_FALSE(Load({{"GATEHOUSE_OIDC_PROVIDERS", "Acme"}}).ok());
  EXPECT_FALSE(Load({{"GATEHOUSE_OIDC_PROVIDERS", "google"}}).ok());
}

TEST(ProviderSettings, OAuthGlobals) {
  auto c = Load({});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->oauth_link_verified_email);
  EXPECT_EQ(c->oauth_request_ttl_seconds, 600);
  EXPECT_EQ(c->oauth_grant_ttl_seconds, 60);
  EXPECT_EQ(c->oauth_http_timeout_seconds, 10);
  auto d = Load({{"GATEHOUSE_OAUTH_LINK_VERIFIED_EMAIL", "false"},
                 {"GATEHOUSE_OAUTH_REQUEST_TTL_SECONDS", "120"},
                 {"GATEHOUSE_OAUTH_GRANT_TTL_SECONDS", "30"},
                 {"GATEHOUSE_OAUTH_HTTP_TIMEOUT_SECONDS", "3"}});
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_FALSE(d->oauth_link_verified_email);
  EXPECT_EQ(d->oauth_request_ttl_seconds, 120);
  EXPECT_EQ(d->oauth_grant_ttl_seconds, 30);
  EXPECT_EQ(d->oauth_http_timeout_seconds, 3);
}

TEST_F(TomlFile, ProviderTablesAndOidcTables) {
  Write(
      "[provider.github]\nenabled = true\nclient_id = \"gh\"\nscopes = [\"read:user\"]\n"
      "[oidc.acme]\nissuer = \"https://acme.example\"\nclient_id = \"a\"\n");
  auto c = Load({{"GATEHOUSE_PROVIDER_GITHUB_CLIENT_ID", "from-env"}}, path_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_NE(Provider(*c, "github"), nullptr);
  EXPECT_TRUE(Provider(*c, "github")->enabled);
  EXPECT_EQ(Provider(*c, "github")->client_id, "from-env");
  EXPECT_EQ(Provider(*c, "github")->scopes, (std::vector<std::string>{"read:user"}));
  ASSERT_NE(Provider(*c, "acme"), nullptr);
  EXPECT_EQ(Provider(*c, "acme")->issuer, "https://acme.example");

  Write("[oidc.acme]\nissuer = \"https://acme.example\"\nclient_id = \"a\"\nbogus = 1\n");
  auto bad = Load({}, path_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("oidc.acme.bogus"), std::string::npos) << bad.error().message;
  Write("[provider.myspace]\nclient_id = \"x\"\n");
  EXPECT_FALSE(Load({}, path_).ok());
}

TEST(ProviderSettings, DocsDescribeGenericOidcSettings) {
  std::string md = RenderMarkdown();
  EXPECT_NE(md.find("`GATEHOUSE_OIDC_<NAME>_ISSUER`"), std::string::npos);
  EXPECT_NE(md.find("`GATEHOUSE_PROVIDER_APPLE_PRIVATE_KEY`"), std::string::npos);
  EXPECT_NE(md.find("`AUTH_PROVIDER_APPLE_TEAM_ID`"), std::string::npos);
  EXPECT_EQ(md.find("GATEHOUSE_PROVIDER_GOOGLE_TEAM_ID"), std::string::npos);
}

}  // namespace
}  // namespace gh::config

namespace gh::config {
namespace {

TEST(Settings, MetricsListenAddress) {
  auto a = ParseListenAddress("9464");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");  // loopback unless a host is named
  EXPECT_EQ(a->port, 9464);
  a = ParseListenAddress("0.0.0.0:9100");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 9100);
  a = ParseListenAddress("[::1]:9100");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  for (const char* bad :
       {"", ":9100", "host:", "host:0", "host:65536", "::1:9100", "x:9a", "123456"})
    EXPECT_FALSE(ParseListenAddress(bad)) << bad;
}

TEST(Settings, MetricsSettingsAreChecked) {
  auto c = Load({{"GATEHOUSE_METRICS_LISTEN", "nine"}, {"GATEHOUSE_METRICS_TOKEN", "short"}});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("metrics_listen must be [host:]port"), std::string::npos)
      << c.error().message;
  EXPECT_NE(c.error().message.find("metrics_token must be at least 16 bytes"), std::string::npos)
      << c.error().message;
  c = Load(
      {{"GATEHOUSE_METRICS_LISTEN", "9464"}, {"GATEHOUSE_METRICS_TOKEN", "a-token-of-20-bytes!"}});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(Validate(*c).empty());
  EXPECT_EQ(c->metrics_listen, "9464");
}

}  // namespace
}  // namespace gh::config
