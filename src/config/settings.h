// The table of settings: for each field of config::Config, its TOML key, its
// GATEHOUSE_* environment variable, the anchors' AUTH_* names accepted as aliases,
// a one-line doc and a parser that validates the text form. docs/configuration.md
// is generated from this table (`gatehouse config docs`), so it cannot drift.
//
// Loading order: defaults, then the TOML file (when given), then the environment.
// Every function here is pure apart from reading the file named by the caller.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"

namespace gh::config {

struct Setting {
  std::string key;                   // TOML key, e.g. "access_token_ttl_seconds"
  std::string env;                   // e.g. "GATEHOUSE_ACCESS_TOKEN_TTL_SECONDS"
  std::vector<std::string> aliases;  // e.g. {"AUTH_ACCESS_TOKEN_EXPIRES_IN"}
  std::string doc;
  // Parses `text` into the config; returns an error message on bad input.
  std::function<std::optional<std::string>(Config&, std::string_view text)> set;
  // The current value in the same text form `set` accepts.
  std::function<std::string(const Config&)> get;
  bool secret = false;  // never printed by `config check`
};

// Every setting, in documentation order.
const std::vector<Setting>& Settings();

// Builds a Config from defaults, the TOML file at `toml_path` (skipped when
// empty) and `env` (variable name -> value). On any unknown TOML key, bad value
// or failed cross-field check returns Error{invalid-request} whose message lists
// every problem, one per line, each naming the setting and its source.
core::Result<Config> Load(const std::map<std::string, std::string>& env,
                          const std::string& toml_path = {});

// The process environment as a map.
std::map<std::string, std::string> ProcessEnvironment();

// Cross-field checks (default role in allowed roles, key lengths, ...); one
// readable line per problem, empty when the config is usable.
std::vector<std::string> Validate(const Config& config);

// "http://<host>:<port>": the public URL when none is configured. A wildcard or
// empty host (0.0.0.0, ::) is "localhost"; an IPv6 address is bracketed.
std::string ListenUrl(std::string_view host, int port);

// A listen address "[host:]port" ("9464", "127.0.0.1:9464", "[::1]:9464"): the
// host (127.0.0.1 when none is given) and a port from 1 to 65535, or nullopt.
struct ListenAddress {
  std::string host;
  int port = 0;
};
std::optional<ListenAddress> ParseListenAddress(std::string_view text);

// The GATEHOUSE_* and AUTH_* variables of `env` that no setting reads (a typo
// such as GATEHOUSE_PROT, or an Nhost setting Gatehouse has no counterpart
// for): one line each, naming the variable and, when one is close, the known
// name it may have meant. `serve` and `config check` warn with each line.
std::vector<std::string> UnknownEnvironment(const std::map<std::string, std::string>& env);

// Settings that are fine on a laptop and unsafe on a server: CORS reflecting
// any origin with credentials, a non-loopback `host` with an http:// public
// URL, the development mailer and the `log` SMS provider (both write codes and
// links to the log). One line per problem, naming the setting and the fix;
// empty when none. `serve` warns with each line; with `production` set,
// Validate reports them as problems, so nothing starts.
std::vector<std::string> UnsafeSettings(const Config& config);

// docs/configuration.md: one table row per setting.
std::string RenderMarkdown();

// One setting as `config check` and the console (GET /auth/v1/admin/settings)
// show it: its key and its value in text form, a secret's value replaced by
// MaskSecret's.
struct DescribedSetting {
  std::string key;
  std::string value;
  bool secret = false;
};
// Every setting in documentation order, then the generic OIDC providers'.
std::vector<DescribedSetting> DescribeSettings(const Config& config);
// "" for an unset secret, otherwise "(set, <n> bytes)": never a byte of it.
std::string MaskSecret(std::string_view value);

// Lines "key = value" for `config check`, secrets masked (DescribeSettings).
std::string Describe(const Config& config);

// True for the built-in provider names (google, apple, facebook, twitter,
// github, discord), configured or not.
bool IsBuiltInProvider(std::string_view name);

}  // namespace gh::config
