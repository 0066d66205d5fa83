// The gatehouse command line: serve | migrate | keys (rotate, list) | config
// (check, docs). Settings come from the environment and an optional TOML file
// (see docs/configuration.md).
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/app.h"
#include "config/settings.h"

namespace {

using gh::config::Config;

// Loads the config or prints every problem and exits with status 2.
Config LoadOrExit(const std::string& toml_path) {
  auto config = gh::config::Load(gh::config::ProcessEnvironment(), toml_path);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().message.c_str());
    std::exit(2);
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  return *config;
}

[[noreturn]] void Fail(const gh::core::Error& e) {
  std::fprintf(stderr, "gatehouse: %s\n", e.message.c_str());
  std::exit(1);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Gatehouse: a self-hostable authentication server"};
  cli.require_subcommand(1);
  std::string toml_path;
  cli.add_option("-c,--config", toml_path, "TOML settings file (the environment wins over it)")
      ->check(CLI::ExistingFile);
  cli.set_version_flag("--version", std::string("gatehouse ") + GATEHOUSE_VERSION);

  auto* serve = cli.add_subcommand("serve", "Run the server");
  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  auto* keys = cli.add_subcommand("keys", "Manage JWT signing keys");
  keys->require_subcommand(1);
  auto* keys_rotate =
      keys->add_subcommand("rotate", "Add a new signing key; retire the current one");
  auto* keys_list = keys->add_subcommand("list", "List signing keys");
  auto* cfg = cli.add_subcommand("config", "Inspect the configuration");
  cfg->require_subcommand(1);
  auto* cfg_check = cfg->add_subcommand("check", "Validate settings and print them");
  auto* cfg_docs = cfg->add_subcommand("docs", "Print docs/configuration.md");

  CLI11_PARSE(cli, argc, argv);

  if (*cfg_docs) {
    std::cout << gh::config::RenderMarkdown();
    return 0;
  }
  Config config = LoadOrExit(toml_path);
  if (*serve) return Serve(config);
  if (*migrate) {
    if (auto r = gh::app::Migrate(config); !r) Fail(r.error());
    std::puts("migrations applied");
    return 0;
  }
  if (*keys_rotate) {
    auto kid = gh::app::RotateKeys(config);
    if (!kid) Fail(kid.error());
    std::printf("new signing key %s; running instances pick it up on restart\n", kid->c_str());
    return 0;
  }
  if (*keys_list) {
    auto text = gh::app::ListKeys(config);
    if (!text) Fail(text.error());
    std::fputs(text->c_str(), stdout);
    return 0;
  }
  if (*cfg_check) {
    std::printf("configuration is valid\n%s", gh::config::Describe(config).c_str());
    return 0;
  }
  return 0;
}
