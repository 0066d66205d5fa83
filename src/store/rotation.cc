// The refresh-token rotation rule (see rotation.h).

#include "store/rotation.h"

#include <utility>

namespace gh::store {

RotationVerdict JudgeRotation(const core::SessionRecord& session,
                              const core::RefreshTokenRecord& token, core::UnixMillis now,
                              int64_t grace_millis) {
  if (session.revoked_at) return RotationVerdict::kRevoked;
  if (session.expires_at <= now || token.expires_at <= now) return RotationVerdict::kExpired;
  if (!token.rotated_at) return RotationVerdict::kRotate;
  // Already rotated. A client that lost the response (or raced itself across
  // tabs or instances) may present the same token again shortly after; it gets
  // the same successor instead of being logged out, as long as the chain has
  // not moved on. Any later presentation is a stolen or replayed token.
  if (now - *token.rotated_at <= grace_millis) return RotationVerdict::kWithinGrace;
  return RotationVerdict::kReuse;
}

core::RefreshTokenRecord ChainSuccessor(const core::RefreshTokenRecord& fresh,
                                        std::string_view session_id, std::string_view user_id,
                                        std::string_view parent_id) {
  core::RefreshTokenRecord successor = fresh;
  successor.session_id = std::string(session_id);
  successor.user_id = std::string(user_id);
  successor.parent_id = std::string(parent_id);
  successor.rotated_at.reset();
  return successor;
}

RotateResult RotateChain(RotationSteps& steps, const RotateRequest& req) {
  RotateResult out;
  std::optional<RotationSteps::Presented> presented = steps.Load(req.presented_hash);
  if (!presented) return out;  // kNotFound
  const core::RefreshTokenRecord& token = presented->token;
  out.session = std::move(presented->session);

  switch (JudgeRotation(out.session, token, req.now, req.grace_millis)) {
    case RotationVerdict::kRevoked:
      out.status = RotateStatus::kRevoked;
      return out;
    case RotationVerdict::kExpired:
      out.status = RotateStatus::kExpired;
      return out;
    case RotationVerdict::kRotate: {
      core::RefreshTokenRecord successor =
          ChainSuccessor(req.successor, token.session_id, token.user_id, token.id);
      steps.Rotate(token, successor, req.now, req.client);
      out.session.refreshed_at = req.now;
      out.session.refreshed_user_agent = req.client.user_agent;
      out.session.refreshed_ip = req.client.ip;
      out.session.expires_at = successor.expires_at;
      out.current = std::move(successor);
      out.status = RotateStatus::kRotated;
      return out;
    }
    case RotationVerdict::kWithinGrace: {
      std::optional<core::RefreshTokenRecord> child = steps.FindSuccessor(token.id);
      if (child && !child->rotated_at) {
        out.current = std::move(*child);
        out.status = RotateStatus::kGraceSuccessor;
        return out;
      }
      break;  // the chain moved on: the token is being reused
    }
    case RotationVerdict::kReuse:
      break;
  }
  steps.RevokeForReuse(out.session.id, req.now);
  out.session.revoked_at = req.now;
  out.session.revoked_reason = kReuseDetectedReason;
  out.status = RotateStatus::kReuseDetected;
  return out;
}

}  // namespace gh::store
