#include "auth/device_sessions.h"

#include "flow_fixture.h"

namespace gh::auth {
namespace {

constexpr char kChrome[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.130 Safari/537.36";
constexpr char kIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";

class DeviceSessionsTest : public FlowTest {
 protected:
  void SetUp() override {
    FlowTest::SetUp();
    devices_ = std::make_unique<DeviceSessions>(*store_, clock_, *sessions_, parser_);
  }
  SessionGrant SignInFrom(const std::string& email, const std::string& ua, const std::string& ip) {
    auto out = password_->SignIn({email, "correct horse", {ip, ua}});
    EXPECT_TRUE(out.ok() && out->session) << (out.ok() ? "" : out.error().message);
    return *out->session;
  }

  useragent::Parser parser_{"/usr/share/uap-core/regexes.yaml"};
  std::unique_ptr<DeviceSessions> devices_;
};

TEST_F(DeviceSessionsTest, ListsLiveSessionsWithTheLastRefreshsClient) {
  auto first = SignUp("d@example.com");
  clock_.AdvanceSeconds(10);
  auto phone = SignInFrom("d@example.com", kIphone, "198.51.100.1");
  auto list = devices_->List(first.user.id, first.session.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, phone.session.id);  // newest first
  EXPECT_FALSE((*list)[0].current);
  EXPECT_TRUE((*list)[1].current);
  EXPECT_EQ((*list)[0].ip, "198.51.100.1");
  EXPECT_EQ((*list)[0].user_agent.os.name, "iOS");
  EXPECT_EQ((*list)[0].last_active_at, (*list)[0].created_at);

  clock_.AdvanceSeconds(60);
  ASSERT_TRUE(sessions_->Refresh(phone.refresh_token, {"192.0.2.5", kChrome}).ok());
  list = devices_->List(first.user.id);
  ASSERT_TRUE(list.ok());
  const DeviceSession& moved = (*list)[0];
  EXPECT_EQ(moved.id, phone.session.id);
  EXPECT_EQ(moved.last_active_at, clock_.NowMillis());
  EXPECT_EQ(moved.ip, "192.0.2.5");
  EXPECT_EQ(moved.user_agent.browser.name, "Chrome");
  EXPECT_FALSE((*list)[0].current || (*list)[1].current);  // no current without a session id
}

TEST_F(DeviceSessionsTest, RevokeEndsOnlyTheCallersLiveSession) {
  auto mine = SignUp("e@example.com");
  auto other = SignInFrom("e@example.com", kIphone, "198.51.100.2");
  auto stranger = SignUp("f@example.com");

  EXPECT_EQ(devices_->Revoke(mine.user.id, stranger.session.id).error().code,
            core::errc::kUserSessionNotFound);
  EXPECT_EQ(devices_->Revoke(mine.user.id, "no-such-session").error().code,
            core::errc::kUserSessionNotFound);
  EXPECT_TRUE(sessions_->Refresh(stranger.refresh_token).ok());

  ASSERT_TRUE(devices_->Revoke(mine.user.id, other.session.id).ok());
  EXPECT_EQ(sessions_->Refresh(other.refresh_token).error().code, core::errc::kInvalidRefreshToken);
  EXPECT_EQ(devices_->Revoke(mine.user.id, other.session.id).error().code,
            core::errc::kUserSessionNotFound);  // already ended
  EXPECT_TRUE(sessions_->Refresh(mine.refresh_token).ok());
}

TEST_F(DeviceSessionsTest, RevokeOthersKeepsTheCurrentOne) {
  auto keep = SignUp("g@example.com");
  auto a = SignInFrom("g@example.com", kIphone, "198.51.100.3");
  auto b = SignInFrom("g@example.com", kChrome, "198.51.100.4");
  auto n = devices_->RevokeOthers(keep.user.id, keep.session.id);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(sessions_->Refresh(a.refresh_token).ok());
  EXPECT_FALSE(sessions_->Refresh(b.refresh_token).ok());
  auto list = devices_->List(keep.user.id, keep.session.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_TRUE((*list)[0].current);
}

}  // namespace
}  // namespace gh::auth
