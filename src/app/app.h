// app::App: the composition root. It alone knows every concrete class: it turns
// a Config into a Store, signing keys, flows, the two dialects' routes and an
// HTTP server, and owns them all for the life of the process.
//
// Not thread-safe to construct; once Run() is going, Stop() may be called from
// any thread (the signal thread does).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/error.h"

namespace gh::app {

class App {
 public:
  // Opens the store (running migrations), loads or creates the signing keys and
  // builds every flow and route. Errors carry a message fit for the terminal.
  static core::Result<std::unique_ptr<App>> Create(const config::Config& config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  core::Result<void> Listen();
  int port() const;
  // The start-up banner: where it listens and which sign-in methods are on.
  std::string Banner() const;
  // `gatehouse routes`: every route served, one "METHOD /path/{param}" a line, in
  // the order the dialects register them.
  std::string Routes() const;
  // Serves until Stop().
  void Run();
  void Stop();

 private:
  struct Parts;
  explicit App(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// `gatehouse users prune-anonymous`: deletes anonymous users older than this.
core::Result<int> PruneAnonymous(const config::Config& config, int64_t older_than_seconds);
// `gatehouse migrate`: applies pending migrations and returns.
core::Result<void> Migrate(const config::Config& config);
// The `gatehouse keys` commands. They change the keys in the store; running
// instances pick the change up within config signing_keys_reload_seconds. The
// safe order of a key's life: `rotate` (a new key signs; the old one is retired
// and still verifies), then, once every token it signed has expired, `remove`.
//
// `keys rotate`: adds a new signing key of the configured algorithm and retires
// the current one. Returns the new kid.
core::Result<std::string> RotateKeys(const config::Config& config);
// `keys list`: one line per key (signing, active or retired since when).
core::Result<std::string> ListKeys(const config::Config& config);
// `gatehouse keys anon-key | service-key`: a new Supabase-style API key for
// `role` ("anon" or "service_role"), signed by the current signing key, valid
// ten years (as Supabase's project keys are).
core::Result<std::string> MintApiKey(const config::Config& config, std::string_view role);
// `keys retire KID`: the key stops signing and keeps verifying. Refused for the
// key that signs (rotate instead, so that something signs) and unknown kids.
// Returns what happened, for the operator.
core::Result<std::string> RetireKey(const config::Config& config, std::string_view kid);
// `keys remove KID`: deletes a retired key; tokens it signed stop verifying.
// Refused for an active key, and until access_token_ttl_seconds plus
// signing_keys_reload_seconds have passed since its retirement (tokens it signed
// may still be valid) unless `force`.
core::Result<std::string> RemoveKey(const config::Config& config, std::string_view kid, bool force);

}  // namespace gh::app
