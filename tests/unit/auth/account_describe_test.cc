// AccountService::Describe: a user with what a dialect shows beside the row,
// reading identities and factors only when the row says they may exist.

#include <gtest/gtest.h>

#include "auth/account.h"
#include "auth/app_metadata.h"
#include "flow_fixture.h"

namespace gh::auth {
namespace {

class DescribeTest : public FlowTest {
 protected:
  core::User NewUser(const std::string& id, std::string_view provider) {
    core::User u;
    u.id = id;
    u.email = id + "@example.com";
    u.default_role = "user";
    u.roles = {"user"};
    u.created_at = u.updated_at = clock_.NowMillis();
    SetSignUpProvider(u, provider);
    EXPECT_TRUE(store_->users().Create(u).ok());
    return store_->users().FindById(id)->value();
  }
};

TEST_F(DescribeTest, ListsIdentitiesAndFactorsTheRowPointsTo) {
  AccountService accounts(*store_, clock_);
  core::User plain = NewUser("plain", kProviderEmail);
  EXPECT_FALSE(HasProviderIdentity(plain));
  auto p = accounts.Describe(plain);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->identities.empty());
  EXPECT_TRUE(p->factors.empty());

  core::User social = NewUser("social", "github");
  EXPECT_TRUE(HasProviderIdentity(social));
  core::Identity i;
  i.id = "11111111-1111-4111-8111-111111111111";
  i.user_id = social.id;
  i.provider = "github";
  i.provider_user_id = "gh-1";
  ASSERT_TRUE(store_->identities().Create(i).ok());
  core::MfaFactor f;
  f.id = "22222222-2222-4222-8222-222222222222";
  f.user_id = social.id;
  f.type = "totp";
  f.secret_encrypted = "sealed";
  f.created_at = f.updated_at = clock_.NowMillis();
  ASSERT_TRUE(store_->factors().Create(f).ok());  // pending: not verified yet
  social = store_->users().FindById(social.id)->value();
  EXPECT_TRUE(social.has_totp_factor);
  p = accounts.Describe(social);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->identities.size(), 1u);
  EXPECT_EQ(p->identities[0].provider, "github");
  ASSERT_EQ(p->factors.size(), 1u);
  EXPECT_FALSE(p->factors[0].verified());

  // A row that records no providers at all is read in full.
  core::User unknown = NewUser("unknown", kProviderEmail);
  unknown.app_metadata_json = "{}";
  EXPECT_TRUE(HasProviderIdentity(unknown));
}

}  // namespace
}  // namespace gh::auth
