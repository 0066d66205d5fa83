// Test support for the loopback server tests: a Server run in a background
// thread with a bounded Stop, a gate for blocking handlers, and a small router.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/server.h"
#include "http/test_client.h"

namespace gh::http::testing {

using namespace std::chrono_literals;

template <typename Pred>
inline bool WaitFor(Pred pred, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A gate handlers block on until the test opens it (bounded, so a failing
// test cannot wedge a pool thread forever).
class Gate {
 public:
  void Wait() { future_.wait_for(10s); }
  void Open() {
    if (!opened_.exchange(true)) promise_.set_value();
  }
  ~Gate() { Open(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
  std::atomic<bool> opened_{false};
};

// A stand-in dialect for the server tests: {status, error, message} with a
// status per server-raised code. The real tables live in the dialects
// (api/nhost/errors.cc); the http layer itself maps no code to a status.
inline Response TestDialectError(const Request&, const core::Error& e) {
  static const std::pair<std::string_view, int> kStatuses[] = {
      {core::errc::kNotFound, 404},        {core::errc::kMethodNotAllowed, 405},
      {core::errc::kPayloadTooLarge, 413}, {core::errc::kHeadersTooLarge, 431},
      {core::errc::kTooManyRequests, 429}, {core::errc::kOverloaded, 429},
      {core::errc::kUnavailable, 503},     {core::errc::kInternal, 500},
  };
  int status = 400;
  for (const auto& [code, s] : kStatuses) {
    if (code == e.code) status = s;
  }
  nlohmann::json j = {{"status", status}, {"error", e.code}, {"message", e.message}};
  return Response::Json(status, j.dump());
}

// Runs a Server in a background thread; Stop() is bounded too. Options without
// a default error renderer get TestDialectError.
class Harness {
 public:
  Harness(ServerOptions options, std::shared_ptr<Router> router) {
    if (!options.errors.has_default()) options.errors.SetDefault(TestDialectError);
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    server_ = std::make_unique<Server>(std::move(options), std::move(router));
    core::Result<void> listening = server_->Listen();
    EXPECT_TRUE(listening.ok()) << (listening.ok() ? "" : listening.error().message);
    thread_ = std::thread([this] {
      server_->Run();
      returned_ = true;
    });
  }
  ~Harness() { Stop(1); }

  // Returns true when Run() returned within the limit; aborts otherwise so the
  // test binary fails instead of hanging.
  bool Stop(int drain_seconds, std::chrono::milliseconds limit = 10s) {
    if (!thread_.joinable()) return true;
    server_->Stop(drain_seconds);
    if (!WaitFor([this] { return returned_.load(); }, limit)) {
      ADD_FAILURE() << "Server::Run did not return after Stop";
      std::abort();
    }
    thread_.join();
    return true;
  }
  bool returned() const { return returned_; }
  int port() const { return server_->port(); }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
};

inline std::shared_ptr<Router> HelloRouter() {
  auto router = std::make_shared<Router>();
  router->Add("GET", "/hello", [](Request&, Responder respond) {
    respond(Response::Json(200, R"({"hello":"world"})"));
  });
  router->Add("POST", "/echo", [](Request& req, Responder respond) {
    Response r;
    r.content_type = "text/plain";
    r.body = req.body;
    respond(std::move(r));
  });
  router->Add("GET", "/users/{id}", [](Request& req, Responder respond) {
    nlohmann::json j = {{"id", req.PathParam("id")},
                        {"q", req.QueryParam("q")},
                        {"ip", req.remote_ip},
                        {"path", req.path}};
    respond(Response::Json(200, j.dump()));
  });
  return router;
}

inline nlohmann::json Json(const Reply& r) { return nlohmann::json::parse(r.body, nullptr, false); }

}  // namespace gh::http::testing
