// How PostgreSQL statements select a user: the column list, the roles riding
// along as one array column, and the reader of such a row. Shared by the users
// table code and by refresh-token rotation, which reads the session's user in
// the same statement as the rotation (one round trip for a refresh).
//
// Macros keep each query one string literal (statements are prepared per
// connection and found by the literal's address; see Connection::Run).
#pragma once

#include "core/types.h"
#include "store/postgres/pg_conn.h"

// The user columns, unqualified; `GH_PG_USER_ROLES(t)` is the roles array of
// the users row aliased or named `t`. Columns plus roles are 20 columns.
#define GH_PG_USER_COLUMNS                                                           \
  "id, created_at, updated_at, last_seen, display_name, avatar_url, locale, email, " \
  "email_verified, new_email, phone_number, phone_number_verified, password_hash, "  \
  "default_role, is_anonymous, disabled, metadata, active_mfa_type, totp_secret_encrypted"
// The same columns of the users row named or aliased `t`, qualified (for joins).
#define GH_PG_USER_COLUMNS_OF(t)                                                                \
  t ".id, " t ".created_at, " t ".updated_at, " t ".last_seen, " t ".display_name, " t            \
  ".avatar_url, " t ".locale, " t ".email, " t ".email_verified, " t ".new_email, " t             \
  ".phone_number, " t ".phone_number_verified, " t ".password_hash, " t ".default_role, " t       \
  ".is_anonymous, " t ".disabled, " t ".metadata, " t ".active_mfa_type, " t                      \
  ".totp_secret_encrypted"
#define GH_PG_USER_ROLES(t) \
  "ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = " t ".id ORDER BY r.position)"

namespace gh::store::postgres {

inline constexpr int kUserColumnCount = 20;  // GH_PG_USER_COLUMNS plus the roles array

// The user in columns [first, first + kUserColumnCount) of `row`.
core::User ReadUserColumns(const PgResult& r, int row, int first = 0);

}  // namespace gh::store::postgres
