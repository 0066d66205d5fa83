#include "app/shared_limits.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace gh::app {
namespace {

constexpr core::UnixMillis kT0 = 1'700'000'000'000;
constexpr int64_t kHour = 3600 * 1000;

std::unique_ptr<store::Store> MemoryStore() {
  auto opened = store::OpenStore("sqlite::memory:", 1);
  EXPECT_TRUE(opened.ok());
  std::unique_ptr<store::Store> s = std::move(opened).value();
  EXPECT_TRUE(s->Migrate().ok());
  return s;
}

TEST(StoreHitCounter, CountsUnderTheKeysHashNotTheKey) {
  auto store = MemoryStore();
  StoreHitCounter counter(store->counters());
  const std::string key = "mail-address:someone@example.com";
  EXPECT_EQ(counter.Hit(key, kT0, kHour)->hits, 1);
  EXPECT_EQ(counter.Hit(key, kT0 + 1, kHour)->hits, 2);
  // The row is the hash's: a hit on the hash itself adds to it, a hit on the
  // address finds nothing stored under the address.
  EXPECT_EQ(store->counters().Hit(crypto::Sha256Hex(key), kT0 + 2, kHour)->hits, 3);
  EXPECT_EQ(store->counters().Hit(key, kT0 + 2, kHour)->hits, 1);
}

TEST(SendCounterFor, SharedOnPostgresOnly) {
  auto store = MemoryStore();
  config::Config c;
  c.database_url = "sqlite::memory:";
  EXPECT_EQ(SendCounterFor(c, *store), nullptr);
  c.database_url = "postgres://localhost/db";
  EXPECT_NE(SendCounterFor(c, *store), nullptr);
}

}  // namespace
}  // namespace gh::app
