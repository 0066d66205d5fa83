// How PostgreSQL statements select a user: the codec's columns
// (codec/users.h) with the roles riding along as one array column, and the
// reader of such a row. Shared by the users table code and by refresh-token
// rotation, which reads the session's user in the same statement as the
// rotation (one round trip for a refresh).
#pragma once

#include "core/types.h"
#include "store/codec/users.h"
#include "store/postgres/pg_conn.h"

// The roles array of the users row aliased or named `t`, in the caller's order.
#define GH_PG_USER_ROLES(t) \
  "ARRAY(SELECT r.role FROM user_roles r WHERE r.user_id = " t ".id ORDER BY r.position)"

namespace gh::store::postgres {

// GH_USER_COLUMNS plus the roles array.
inline constexpr int kUserColumnCount = codec::kUserColumnCount + 1;

// The user in columns [first, first + kUserColumnCount) of `row`.
core::User ReadUserColumns(const PgResult& r, int row, int first = 0);

}  // namespace gh::store::postgres
