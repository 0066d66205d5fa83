// The gatehouse command line: serve | migrate | keys (rotate, list, retire, remove) | users
// (prune-anonymous, export, import) | config (check, docs). Settings come from
// the environment and an optional TOML file (see docs/configuration.md).
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "app/app.h"
#include "app/keys.h"
#include "app/users_io.h"
#include "config/gotrue.h"
#include "config/settings.h"
#include "store/store.h"

namespace {

using gh::config::Config;

// What Load read and ignored of GoTrue's names (config check, start log).
gh::config::ForeignReport g_gotrue;

// Loads the config or prints every problem and exits with status 2.
Config LoadOrExit(const std::string& toml_path) {
  auto config = gh::config::Load(gh::config::ProcessEnvironment(), toml_path, &g_gotrue);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    std::exit(2);
  }
  // The store owns which URLs it opens; a config it cannot open is refused here,
  // by every command, not at the first migration.
  if (!gh::store::IsSupportedDatabaseUrl(config->database_url)) {
    std::fprintf(stderr,
                 "invalid configuration:\n  database_url: unsupported database (expected "
                 "sqlite://FILE, a path ending in .db, postgres:// or postgresql://)\n");
    std::exit(2);
  }
  // Configured JWKs are checked as the key ring will load them, so a bad key
  // fails every command, `config check` included, not only `serve`.
  if (!config->jwt_keys.empty()) {
    if (auto ring = gh::app::ConfiguredKeyRing(*config, 0); !ring) {
      std::fprintf(stderr, "invalid configuration:\n  %s\n", ring.error().message.c_str());
      std::exit(2);
    }
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  return *config;
}

[[noreturn]] void Fail(const gh::core::Error& e) {
  std::fprintf(stderr, "gatehouse: %s\n", e.message.c_str());
  std::exit(1);
}

// "30d", "12h", "90m", "3600s" -> seconds; 0 when malformed.
int64_t ParseDuration(const std::string& text) {
  if (text.size() < 2) return 0;
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 1'000'000'000) return 0;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 'd':
      return n * 86400;
    case 'h':
      return n * 3600;
    case 'm':
      return n * 60;
    case 's':
      return n;
    default:
      return 0;
  }
}

int Serve(const Config& config) {
  // Block termination signals in every thread; one thread waits for them and
  // drains the server, so no handler runs in signal context.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // With production = true these never get here: Load refused them.
  for (const std::string& unsafe : gh::config::UnsafeSettings(config))
    spdlog::warn("unsafe setting: {}", unsafe);
  for (const std::string& unknown :
       gh::config::UnknownEnvironment(gh::config::ProcessEnvironment()))
    spdlog::warn("unknown variable: {}", unknown);
  for (const std::string& line : g_gotrue.read) spdlog::info("GoTrue setting read: {}", line);
  for (const std::string& line : g_gotrue.ignored) spdlog::warn("GoTrue setting {}", line);
  auto app = gh::app::App::Create(config);
  if (!app) Fail(app.error());
  if (auto r = (*app)->Listen(); !r) Fail(r.error());
  std::fputs((*app)->Banner().c_str(), stdout);
  std::fflush(stdout);

  std::thread waiter([&signals, &app] {
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {} received, draining", sig);
    (*app)->Stop();
  });
  (*app)->Run();
  // Run() also returns when the server stops on its own; wake the waiter then.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  spdlog::info("stopped");
  return 0;
}

// `users export` (to stdout) and `users import` (from a file or stdin). Logs go to
// stderr so that stdout carries only data; a progress line is drawn when stderr is
// a terminal. Import exits 1 when any line failed.
int TransferUsers(const Config& config, bool is_export, const std::string& import_file) {
  auto level = spdlog::get_level();
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  spdlog::set_level(level);
  gh::app::TransferOutput io;
  io.progress = isatty(STDERR_FILENO) ? &std::cerr : nullptr;
  io.report = &std::cerr;
  if (is_export) {
    std::ios::sync_with_stdio(false);
    auto summary = gh::app::ExportUsers(config, std::cout, io);
    if (!summary) Fail(summary.error());
    std::cerr << gh::app::DescribeExport(*summary) << "\n";
    return 0;
  }
  std::ifstream file;
  if (!import_file.empty() && import_file != "-") {
    file.open(import_file);
    if (!file.is_open()) {
      std::fprintf(stderr, "gatehouse: cannot open %s\n", import_file.c_str());
      return 1;
    }
  }
  std::istream& in = file.is_open() ? static_cast<std::istream&>(file) : std::cin;
  gh::app::ImportSummary summary;
  auto r = gh::app::ImportUsers(config, in, io, summary);
  std::cerr << gh::app::DescribeImport(summary) << "\n";
  if (!r) Fail(r.error());
  return summary.failed > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Everything we create (the SQLite database and its folder, above all: it
  // holds the signing keys) is for our user alone, whatever the caller's umask.
  ::umask(077);
  CLI::App cli{"Gatehouse: a self-hostable authentication server"};
  cli.require_subcommand(1);
  std::string toml_path;
  // Before or after the subcommand alike (`gatehouse --config f serve`, `gatehouse
  // serve --config f`, `gatehouse config check --config f`), and in each --help.
  auto takes_config = [&toml_path](CLI::App* app) {
    app->add_option("-c,--config", toml_path, "TOML settings file (the environment wins over it)")
        ->check(CLI::ExistingFile);
  };
  takes_config(&cli);
  cli.set_version_flag("--version", std::string("gatehouse ") + GATEHOUSE_VERSION);

  auto* serve = cli.add_subcommand("serve", "Run the server");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  auto* keys = cli.add_subcommand("keys", "Manage JWT signing keys");
  keys->require_subcommand(1);
  auto* keys_rotate =
      keys->add_subcommand("rotate", "Add a new signing key; retire the current one");
  auto* keys_list = keys->add_subcommand("list", "List signing keys");
  auto* keys_anon =
      keys->add_subcommand("anon-key", "Print a new anon API key (Supabase's `apikey`)");
  auto* keys_service = keys->add_subcommand(
      "service-key", "Print a new service_role API key (admin access: keep it secret)");
  std::string key_id;
  auto* keys_retire = keys->add_subcommand(
      "retire", "Stop signing with a key that does not sign new tokens; it still verifies");
  keys_retire->add_option("kid", key_id, "The key's kid (see keys list)")->required();
  bool force_remove = false;
  auto* keys_remove =
      keys->add_subcommand("remove", "Delete a retired key once the tokens it signed have expired");
  keys_remove->add_option("kid", key_id, "The key's kid (see keys list)")->required();
  keys_remove->add_flag("--force", force_remove,
                        "Remove it now: the unexpired tokens it signed are refused");
  auto* users = cli.add_subcommand("users", "Manage users");
  users->require_subcommand(1);
  auto* prune = users->add_subcommand("prune-anonymous", "Delete anonymous users never converted");
  std::string older_than = "30d";
  prune->add_option("--older-than", older_than, "Age such as 30d, 12h, 90m or 3600s")
      ->capture_default_str();
  auto* users_export = users->add_subcommand(
      "export", "Write every user (password hash, roles, metadata, identities) as JSON lines");
  auto* users_import = users->add_subcommand(
      "import", "Create users from JSON lines: our export, Supabase or Nhost auth.users rows");
  std::string import_file;
  users_import->add_option("file", import_file, "JSON lines file (default: standard input)")
      ->check(CLI::ExistingFile);
  auto* routes = cli.add_subcommand("routes", "Print every route this configuration serves");
  auto* cfg = cli.add_subcommand("config", "Inspect the configuration");
  cfg->require_subcommand(1);
  auto* cfg_check = cfg->add_subcommand("check", "Validate settings and print them");
  auto* cfg_docs = cfg->add_subcommand("docs", "Print docs/configuration.md");

  for (CLI::App* app :
       {serve, migrate, keys, keys_rotate, keys_list, keys_retire, keys_remove, keys_anon,
        keys_service, users, prune, users_export, users_import, cfg, cfg_check})
    takes_config(app);

  CLI11_PARSE(cli, argc, argv);

  if (*cfg_docs) {
    std::cout << gh::config::RenderMarkdown();
    return 0;
  }
  Config config = LoadOrExit(toml_path);
  if (*serve) return Serve(config);
  if (*routes) {
    auto app = gh::app::App::Create(config);  // builds the router as `serve` would
    if (!app) Fail(app.error());
    std::fputs((*app)->Routes().c_str(), stdout);
    return 0;
  }
  if (*migrate) {
    if (auto r = gh::app::Migrate(config); !r) Fail(r.error());
    std::puts("migrations applied");
    return 0;
  }
  if (*keys_rotate) {
    auto kid = gh::app::RotateKeys(config);
    if (!kid) Fail(kid.error());
    std::printf(
        "new signing key %s; running instances publish it and sign with it within %lld s "
        "(signing_keys_reload_seconds)\n",
        kid->c_str(), static_cast<long long>(config.signing_keys_reload_seconds));
    return 0;
  }
  if (*keys_retire || *keys_remove) {
    auto said = *keys_retire ? gh::app::RetireKey(config, key_id)
                             : gh::app::RemoveKey(config, key_id, force_remove);
    if (!said) Fail(said.error());
    std::fputs(said->c_str(), stdout);
    return 0;
  }
  if (*keys_anon || *keys_service) {
    auto key = gh::app::MintApiKey(config, *keys_anon ? "anon" : "service_role");
    if (!key) Fail(key.error());
    std::puts(key->c_str());
    return 0;
  }
  if (*keys_list) {
    auto text = gh::app::ListKeys(config);
    if (!text) Fail(text.error());
    std::fputs(text->c_str(), stdout);
    return 0;
  }
  if (*prune) {
    int64_t seconds = ParseDuration(older_than);
    if (seconds <= 0) {
      std::fprintf(stderr, "gatehouse: --older-than: expected e.g. 30d, 12h, 90m or 3600s\n");
      return 2;
    }
    auto n = gh::app::PruneAnonymous(config, seconds);
    if (!n) Fail(n.error());
    std::printf("deleted %d anonymous users\n", *n);
    return 0;
  }
  if (*users_export || *users_import)
    return TransferUsers(config, users_export->parsed(), import_file);
  if (*cfg_check) {
    // (With production = true, unsafe settings already failed LoadOrExit.)
    for (const std::string& unsafe : gh::config::UnsafeSettings(config))
      std::printf("warning: unsafe setting: %s\n", unsafe.c_str());
    for (const std::string& unknown :
         gh::config::UnknownEnvironment(gh::config::ProcessEnvironment()))
      std::printf("warning: unknown variable: %s\n", unknown.c_str());
    for (const std::string& line : g_gotrue.read) std::printf("gotrue: read %s\n", line.c_str());
    for (const std::string& line : g_gotrue.ignored) std::printf("gotrue: %s\n", line.c_str());
    std::printf("configuration is valid\n%s", gh::config::Describe(config).c_str());
    return 0;
  }
  return 0;
}
