// The PostgreSQL store through a database outage: calls during it fail fast
// with service-unavailable (none hangs), and the same store serves again once
// the server is back, without being reopened.
//
// The test stops and starts a server, so it runs one of its own (started with
// scripts/pg-test-server.sh beside the fixture's) instead of stopping the
// server other tests share. It runs only under ctest's PostgreSQL fixture
// (GATEHOUSE_TEST_PG_DIR set), the environment known to have the server binaries.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "store_test_util.h"

#ifndef GATEHOUSE_PG_TEST_SCRIPT
#error "GATEHOUSE_PG_TEST_SCRIPT (the path of scripts/pg-test-server.sh) must be defined"
#endif

namespace gh::store::testing {
namespace {

// Runs `pg-test-server.sh <command> <dir>`; returns its stdout's first line,
// or fails the test.
std::string Script(const std::string& command, const std::string& dir) {
  const std::string line = std::string(GATEHOUSE_PG_TEST_SCRIPT) + " " + command + " '" + dir + "'";
  FILE* p = popen(line.c_str(), "r");
  if (p == nullptr) {
    ADD_FAILURE() << "cannot run " << line;
    return std::string();
  }
  std::string out;
  char buf[512];
  while (std::fgets(buf, sizeof(buf), p) != nullptr) out += buf;
  const int rc = pclose(p);
  EXPECT_EQ(rc, 0) << line;
  if (const size_t nl = out.find('\n'); nl != std::string::npos) out.resize(nl);
  return out;
}

class PgReconnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string fixture_dir = Env("GATEHOUSE_TEST_PG_DIR");
    if (fixture_dir.empty()) {
      GTEST_SKIP() << "runs only under ctest's PostgreSQL fixture (GATEHOUSE_TEST_PG_DIR)";
    }
    dir_ = fixture_dir + "-reconnect-" + std::to_string(getpid());
    url_ = Script("start", dir_);
    ASSERT_FALSE(url_.empty());
    store_ = OpenMigrated(url_, 4);
    ASSERT_NE(store_, nullptr);
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) Script("stop", dir_);
  }

  // Opens every connection of the pool, so that all of them see the outage.
  void WarmPool() {
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([this] { EXPECT_TRUE(store_->users().FindById("u1").ok()); });
    }
    for (auto& t : threads) t.join();
  }

  Result<RotateResult> Rotate(const std::string& hash, const std::string& successor_id) {
    RotateRequest req;
    req.presented_hash = hash;
    req.successor = MakeToken(successor_id, "hash-" + successor_id, kT0 + 1000);
    req.now = kT0 + 1000;
    return store_->sessions().Rotate(req);
  }

  std::string dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

// Fails unless `r` is service-unavailable and took under 5 s.
template <typename Fn>
void ExpectUnavailableFast(const char* what, Fn&& call) {
  const auto start = std::chrono::steady_clock::now();
  auto r = call();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_EQ(r.error().code, core::errc::kUnavailable) << what;
  EXPECT_EQ(r.error().retry_after_seconds, 1) << what;
  EXPECT_LT(elapsed, std::chrono::seconds(5)) << what;
}

TEST_F(PgReconnectTest, OutageIsServiceUnavailableThenServiceResumes) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s1", "u1"), MakeToken("t1", "h1")).ok());
  WarmPool();

  Script("halt", dir_);
  // Twice each: the first call finds the pool's dead connections, the second
  // has to connect afresh; both must answer at once.
  for (int round = 0; round < 2; ++round) {
    ExpectUnavailableFast("FindById", [&] { return store_->users().FindById("u1"); });
    ExpectUnavailableFast("Create", [&] { return store_->users().Create(MakeUser("u2", "b@x")); });
    ExpectUnavailableFast("Rotate", [&] { return Rotate("h1", "t2"); });
    ExpectUnavailableFast("Ping", [&] { return store_->Ping(); });
    ExpectUnavailableFast("Migrate", [&] { return store_->Migrate(); });
  }

  Script("resume", dir_);
  auto user = store_->users().FindById("u1");
  ASSERT_TRUE(user.ok()) << user.error().code;
  EXPECT_TRUE(user->has_value());  // nothing lost
  EXPECT_TRUE(store_->users().Create(MakeUser("u2", "b@example.com")).ok());
  auto rotated = Rotate("h1", "t2");
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->status, RotateStatus::kRotated);
  EXPECT_EQ(store_->users().Count().value(), 2);  // the failed Create wrote nothing
}

// A restart while the pool sits idle: the first call after it must not be
// spent discovering that the old connections are dead.
TEST_F(PgReconnectTest, RestartWhileIdleIsInvisible) {
  ASSERT_TRUE(store_->users().Create(MakeUser("u1", "a@example.com")).ok());
  ASSERT_TRUE(store_->sessions().Create(MakeSession("s1", "u1"), MakeToken("t1", "h1")).ok());
  WarmPool();

  Script("halt", dir_);
  Script("resume", dir_);
  auto user = store_->users().FindById("u1");
  ASSERT_TRUE(user.ok()) << user.error().code;
  EXPECT_TRUE(user->has_value());
  auto rotated = Rotate("h1", "t2");
  ASSERT_TRUE(rotated.ok()) << rotated.error().code;
  EXPECT_EQ(rotated->status, RotateStatus::kRotated);
  WarmPool();
}

}  // namespace
}  // namespace gh::store::testing
