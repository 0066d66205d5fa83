// The one_time_codes row (single-use codes, links and tickets, stored as
// hashes only), said once for both stores: its columns, its statements and its
// codec.
//
// Thread safety: stateless functions and constants.
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

#define GH_CODE_COLUMNS                                                                  \
  "id, user_id, purpose, recipient, code_hash, data, created_at, expires_at, attempts, " \
  "consumed_at"

namespace gh::store::codec {

inline constexpr char kInsertCode[] = "INSERT INTO one_time_codes (" GH_CODE_COLUMNS
                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
// ?1 purpose, ?2 code hash: the newest open code.
inline constexpr char kSelectCodeByHash[] =
    "SELECT " GH_CODE_COLUMNS
    " FROM one_time_codes WHERE purpose = ?1 AND code_hash = ?2 AND consumed_at IS NULL "
    "ORDER BY created_at DESC, id DESC LIMIT 1";
// ?1 purpose, ?2 recipient: the newest open code.
inline constexpr char kSelectLatestCode[] =
    "SELECT " GH_CODE_COLUMNS
    " FROM one_time_codes WHERE purpose = ?1 AND recipient = ?2 AND consumed_at IS NULL "
    "ORDER BY created_at DESC, id DESC LIMIT 1";
inline constexpr char kCountCodeAttempt[] =
    "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = ?1 RETURNING attempts";
// Compare-and-set: of any number of concurrent callers only one changes the
// row. ?1 now, ?2 id.
inline constexpr char kConsumeCode[] =
    "UPDATE one_time_codes SET consumed_at = ?1 WHERE id = ?2 AND consumed_at IS NULL";
// ?1 now, ?2 purpose, ?3 recipient.
inline constexpr char kConsumeAllCodes[] =
    "UPDATE one_time_codes SET consumed_at = ?1 "
    "WHERE purpose = ?2 AND recipient = ?3 AND consumed_at IS NULL";
inline constexpr char kPurgeCodes[] =
    "DELETE FROM one_time_codes WHERE expires_at < ?1 OR consumed_at < ?1";

void BindCode(ParamSink& sink, const core::OneTimeCode& code);
core::OneTimeCode ReadCode(RowReader& row);

}  // namespace gh::store::codec
