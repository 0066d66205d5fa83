// The rotation rule on its own (store/rotation.h), with the store's reads and
// writes replaced by a recording fake: what each state of a chain decides and
// which writes it asks for. The stores' own tests (sessions_test.cc) run the
// same rule against SQLite and PostgreSQL.

#include "store/rotation.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace gh::store {
namespace {

constexpr core::UnixMillis kNow = 1'000'000;
constexpr int64_t kGrace = 10'000;

core::SessionRecord LiveSession() {
  core::SessionRecord s;
  s.id = "s1";
  s.user_id = "u1";
  s.expires_at = kNow + 60'000;
  return s;
}

core::RefreshTokenRecord CurrentToken() {
  core::RefreshTokenRecord t;
  t.id = "t1";
  t.session_id = "s1";
  t.user_id = "u1";
  t.token_hash = "h1";
  t.expires_at = kNow + 60'000;
  return t;
}

TEST(JudgeRotation, EachStateOfTheChain) {
  core::SessionRecord session = LiveSession();
  core::RefreshTokenRecord token = CurrentToken();
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kRotate);

  token.rotated_at = kNow - kGrace;  // the edge of the window is still inside it
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kWithinGrace);
  token.rotated_at = kNow - kGrace - 1;
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kReuse);

  token = CurrentToken();
  token.expires_at = kNow;
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kExpired);
  token = CurrentToken();
  session.expires_at = kNow;
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kExpired);

  // Revocation wins over everything else, expiry over reuse.
  session = LiveSession();
  session.revoked_at = kNow - 1;
  session.expires_at = kNow;
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kRevoked);
  session = LiveSession();
  session.expires_at = kNow;
  token.rotated_at = kNow - kGrace - 1;
  EXPECT_EQ(JudgeRotation(session, token, kNow, kGrace), RotationVerdict::kExpired);
}

class FakeSteps final : public RotationSteps {
 public:
  std::optional<Presented> presented;
  std::optional<core::RefreshTokenRecord> successor;
  std::vector<std::string> writes;

  std::optional<Presented> Load(std::string_view hash) override {
    if (!presented || presented->token.token_hash != hash) return std::nullopt;
    return presented;
  }
  std::optional<core::RefreshTokenRecord> FindSuccessor(std::string_view token_id) override {
    if (!successor || successor->parent_id != std::string(token_id)) return std::nullopt;
    return successor;
  }
  void Rotate(const core::RefreshTokenRecord& p, const core::RefreshTokenRecord& s,
              core::UnixMillis now, const core::ClientInfo&) override {
    writes.push_back("rotate " + p.id + " -> " + s.id + " parent " + s.parent_id.value_or("") +
                     " session " + s.session_id + " at " + std::to_string(now));
  }
  void RevokeForReuse(std::string_view session_id, core::UnixMillis now) override {
    writes.push_back("revoke " + std::string(session_id) + " at " + std::to_string(now));
  }
};

RotateRequest Request(std::string hash) {
  RotateRequest req;
  req.presented_hash = std::move(hash);
  req.successor.id = "t2";
  req.successor.token_hash = "h2";
  req.successor.expires_at = kNow + 90'000;
  req.now = kNow;
  req.grace_millis = kGrace;
  return req;
}

TEST(RotateChain, UnknownTokenWritesNothing) {
  FakeSteps steps;
  RotateResult r = RotateChain(steps, Request("nope"));
  EXPECT_EQ(r.status, RotateStatus::kNotFound);
  EXPECT_TRUE(steps.writes.empty());
}

TEST(RotateChain, CurrentTokenRotatesIntoTheChain) {
  FakeSteps steps;
  steps.presented = RotationSteps::Presented{LiveSession(), CurrentToken()};
  RotateResult r = RotateChain(steps, Request("h1"));
  ASSERT_EQ(r.status, RotateStatus::kRotated);
  EXPECT_EQ(r.current.id, "t2");
  EXPECT_EQ(r.current.parent_id, "t1");
  EXPECT_EQ(r.current.session_id, "s1");
  EXPECT_EQ(r.current.user_id, "u1");
  EXPECT_EQ(r.session.refreshed_at, kNow);
  EXPECT_EQ(r.session.expires_at, kNow + 90'000);
  EXPECT_EQ(steps.writes,
            std::vector<std::string>{"rotate t1 -> t2 parent t1 session s1 at 1000000"});
}

TEST(RotateChain, WithinGraceHandsBackTheCurrentSuccessor) {
  FakeSteps steps;
  core::RefreshTokenRecord token = CurrentToken();
  token.rotated_at = kNow - 5;
  steps.presented = RotationSteps::Presented{LiveSession(), token};
  core::RefreshTokenRecord child = CurrentToken();
  child.id = "t9";
  child.parent_id = "t1";
  steps.successor = child;
  RotateResult r = RotateChain(steps, Request("h1"));
  ASSERT_EQ(r.status, RotateStatus::kGraceSuccessor);
  EXPECT_EQ(r.current.id, "t9");
  EXPECT_TRUE(steps.writes.empty());
}

TEST(RotateChain, WithinGraceButTheChainMovedOnIsReuse) {
  FakeSteps steps;
  core::RefreshTokenRecord token = CurrentToken();
  token.rotated_at = kNow - 5;
  steps.presented = RotationSteps::Presented{LiveSession(), token};
  core::RefreshTokenRecord child = CurrentToken();
  child.id = "t9";
  child.parent_id = "t1";
  child.rotated_at = kNow - 1;  // already rotated on
  steps.successor = child;
  RotateResult r = RotateChain(steps, Request("h1"));
  ASSERT_EQ(r.status, RotateStatus::kReuseDetected);
  EXPECT_EQ(r.session.revoked_at, kNow);
  EXPECT_EQ(r.session.revoked_reason, kReuseDetectedReason);
  EXPECT_EQ(steps.writes, std::vector<std::string>{"revoke s1 at 1000000"});
}

TEST(RotateChain, OldTokenRevokesTheSession) {
  FakeSteps steps;
  core::RefreshTokenRecord token = CurrentToken();
  token.rotated_at = kNow - kGrace - 1;
  steps.presented = RotationSteps::Presented{LiveSession(), token};
  RotateResult r = RotateChain(steps, Request("h1"));
  EXPECT_EQ(r.status, RotateStatus::kReuseDetected);
  EXPECT_EQ(steps.writes, std::vector<std::string>{"revoke s1 at 1000000"});
}

TEST(RotateChain, RevokedAndExpiredRefuseWithoutWrites) {
  FakeSteps steps;
  core::SessionRecord session = LiveSession();
  session.revoked_at = kNow - 1;
  steps.presented = RotationSteps::Presented{session, CurrentToken()};
  EXPECT_EQ(RotateChain(steps, Request("h1")).status, RotateStatus::kRevoked);
  session = LiveSession();
  session.expires_at = kNow - 1;
  steps.presented = RotationSteps::Presented{session, CurrentToken()};
  EXPECT_EQ(RotateChain(steps, Request("h1")).status, RotateStatus::kExpired);
  EXPECT_TRUE(steps.writes.empty());
}

}  // namespace
}  // namespace gh::store
