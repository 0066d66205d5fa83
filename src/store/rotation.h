// The refresh-token rotation rule, written once for every store: given the
// presented token's row and its session, now and the grace window, whether to
// rotate, hand back the successor already issued, revoke the session for
// reuse, or refuse. A store supplies the reads and writes (RotationSteps) under
// its own transaction and locking model and calls RotateChain; PostgreSQL's
// one-statement refresh (postgres/sessions.cc) handles only the case that
// JudgeRotation calls kRotate and falls back to RotateChain for the rest.
//
// Thread safety: stateless functions; a RotationSteps is used by the one
// thread that holds its store's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.h"
#include "store/store.h"

namespace gh::store {

// The revoked_reason of a session ended because an old token came back.
inline constexpr char kReuseDetectedReason[] = "reuse-detected";

// What the presented token's row and its session say, before the successor is
// looked at.
enum class RotationVerdict {
  kRevoked,      // the session was revoked: refuse
  kExpired,      // the session or the token has expired: refuse
  kRotate,       // the token is current: rotate it
  kWithinGrace,  // rotated within the grace window: its successor, if still current
  kReuse,        // rotated before the grace window: revoke the session
};

RotationVerdict JudgeRotation(const core::SessionRecord& session,
                              const core::RefreshTokenRecord& token, core::UnixMillis now,
                              int64_t grace_millis);

// The successor a rotation inserts: the caller's new token (id, hash, times)
// joined to the chain of `parent`.
core::RefreshTokenRecord ChainSuccessor(const core::RefreshTokenRecord& fresh,
                                        std::string_view session_id, std::string_view user_id,
                                        std::string_view parent_id);

// The reads and writes of one rotation, inside the store's transaction.
class RotationSteps {
 public:
  struct Presented {
    core::SessionRecord session;
    core::RefreshTokenRecord token;
  };
  // The token with this hash and its session, read so that no other change to
  // the chain can interleave until the transaction ends; nullopt when unknown.
  virtual std::optional<Presented> Load(std::string_view token_hash) = 0;
  // The token whose parent is `token_id` (a token has at most one).
  virtual std::optional<core::RefreshTokenRecord> FindSuccessor(std::string_view token_id) = 0;
  // Marks `presented` rotated at `now`, inserts `successor` and extends the
  // session to successor.expires_at, refreshed at `now` from `client`.
  virtual void Rotate(const core::RefreshTokenRecord& presented,
                      const core::RefreshTokenRecord& successor, core::UnixMillis now,
                      const core::ClientInfo& client) = 0;
  // Revokes the session (reason kReuseDetectedReason) at `now`.
  virtual void RevokeForReuse(std::string_view session_id, core::UnixMillis now) = 0;

 protected:
  ~RotationSteps() = default;
};

// Runs the whole rule for `request` through `steps` (see store.h, RotateStatus).
RotateResult RotateChain(RotationSteps& steps, const RotateRequest& request);

}  // namespace gh::store
