// The rate_counters table: the statements both stores run alike for
// store::Counters. No record type, so no codec beyond the statements.
//
// Thread safety: constants.
#pragma once

namespace gh::store::codec {

// ?1 key hash, ?2 now, ?3 now + window. Every expression in DO UPDATE reads the
// row as it was before the update; the row lock taken by ON CONFLICT makes a
// concurrent hit on the same key wait and then add to this one's count.
inline constexpr char kHitCounter[] =
    "INSERT INTO rate_counters AS c (key_hash, window_end, hits) VALUES (?1, ?3, 1) "
    "ON CONFLICT (key_hash) DO UPDATE SET "
    "hits = CASE WHEN c.window_end <= ?2 THEN 1 ELSE c.hits + 1 END, "
    "window_end = CASE WHEN c.window_end <= ?2 THEN ?3 ELSE c.window_end END "
    "RETURNING hits, window_end";
// ?1 key hash, ?2 now.
inline constexpr char kForgiveHit[] =
    "UPDATE rate_counters SET hits = hits - 1 WHERE key_hash = ?1 AND window_end > ?2 AND hits > 0";
// ?1 before.
inline constexpr char kPurgeCounters[] = "DELETE FROM rate_counters WHERE window_end < ?1";

}  // namespace gh::store::codec
