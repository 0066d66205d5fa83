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
// `gatehouse keys rotate`: adds a new signing key of the configured algorithm and
// retires the current one (it keeps verifying tokens until they expire).
// Returns the new kid.
core::Result<std::string> RotateKeys(const config::Config& config);
// `gatehouse keys list`: one line per key.
core::Result<std::string> ListKeys(const config::Config& config);

}  // namespace gh::app
