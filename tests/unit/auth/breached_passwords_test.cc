#include "auth/breached_passwords.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/hash.h"

namespace gh::auth {
namespace {

// Plays the range API: answers lines for the passwords it lists, records URLs.
class FakeRangeApi : public net::HttpClient {
 public:
  core::Result<net::HttpResponse> Send(const net::HttpRequest& req) override {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(req);
    if (down) return core::Error(core::errc::kUnavailable, "range API unreachable");
    net::HttpResponse r;
    r.status = status;
    std::string prefix = req.url.substr(req.url.rfind('/') + 1);
    for (const auto& [password, count] : listed) {
      std::string h = crypto::Sha1HexUpper(password);
      if (h.compare(0, 5, prefix) == 0) r.body += h.substr(5) + ":" + count + "\r\n";
    }
    r.body += "0000000000000000000000000000000000A:0\r\n";  // padding
    return r;
  }
  std::mutex mu;
  std::vector<net::HttpRequest> requests;
  std::vector<std::pair<std::string, std::string>> listed = {{"breached-one", "42"},
                                                             {"padding-only", "0"}};
  bool down = false;
  long status = 200;
};

TEST(BreachedPasswordsTest, RefusesListedAcceptsOthersSendsOnlyThePrefix) {
  auto api = std::make_shared<FakeRangeApi>();
  BreachedPasswords b(api, "https://range.test/");
  auto bad = b.Check("breached-one");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::errc::kPasswordInHibpDatabase);
  EXPECT_TRUE(b.Check("padding-only"));  // count 0: a decoy
  EXPECT_TRUE(b.Check("never-seen-anywhere"));
  ASSERT_EQ(api->requests.size(), 3u);
  EXPECT_EQ(api->requests[0].url,
            "https://range.test/range/" + crypto::Sha1HexUpper("breached-one").substr(0, 5));
  for (const auto& r : api->requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_TRUE(r.body.empty());
    bool padded = false;
    for (const auto& [k, v] : r.headers) padded = padded || (k == "Add-Padding" && v == "true");
    EXPECT_TRUE(padded);
  }
}

TEST(BreachedPasswordsTest, FailsOpenWhenTheServiceCannotTell) {
  auto api = std::make_shared<FakeRangeApi>();
  BreachedPasswords b(api, "https://range.test");
  api->down = true;
  EXPECT_TRUE(b.Check("breached-one"));
  api->down = false;
  api->status = 503;
  EXPECT_TRUE(b.Check("breached-one"));
}

TEST(BreachedPasswordsTest, PrefetchedVerdictIsUsedOnce) {
  auto api = std::make_shared<FakeRangeApi>();
  BreachedPasswords b(api, "https://range.test");
  b.Prefetch("breached-one");
  ASSERT_EQ(api->requests.size(), 1u);
  api->down = true;  // the kept verdict answers; the service is not asked again
  EXPECT_FALSE(b.Check("breached-one"));
  EXPECT_EQ(api->requests.size(), 1u);
  EXPECT_TRUE(b.Check("breached-one"));  // used up: asked again, and down, so fail open
  EXPECT_EQ(api->requests.size(), 2u);
}

}  // namespace
}  // namespace gh::auth
