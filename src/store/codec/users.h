// The users row, said once for both stores: its columns in order, the
// statements that write a whole row, and how a core::User binds to and reads
// back from those columns. Roles live in user_roles and are each backend's
// business (SQLite reads them in a second statement, PostgreSQL as an array
// column riding along after these).
//
// Thread safety: stateless functions and constants.
//
// Adding a column: add it to GH_USER_DATA_COLUMNS_OF, one placeholder to
// kInsertUser and kUpdateUser, one line each to BindUser and ReadUser, and a
// migration to each backend (sqlite/migrations.cc, postgres/migrations.cc).
#pragma once

#include "core/types.h"
#include "store/codec/codec.h"

// Macros keep every statement one string literal (statements are cached by the
// literal's address). `t` qualifies each column ("" for none, "u." for a join).
// The columns a user write sets, all but the id:
#define GH_USER_DATA_COLUMNS_OF(t)                                                        \
  t "created_at, " t "updated_at, " t "last_seen, " t "display_name, " t "avatar_url, " t \
    "locale, " t "email, " t "email_verified, " t "new_email, " t "phone_number, " t      \
    "phone_number_verified, " t "password_hash, " t "default_role, " t "is_anonymous, " t \
    "disabled, " t "metadata"
// Every column a read returns, the id first: the written ones, then the
// second-factor summary, which only the factors store writes
// (codec/mfa_factors.h). The order BindUser binds and ReadUser reads.
#define GH_USER_COLUMNS_OF(t) t "id, " GH_USER_DATA_COLUMNS_OF(t) ", " t "active_mfa_type"
#define GH_USER_COLUMNS GH_USER_COLUMNS_OF("")

// The lookups, from FROM on: each store puts its own select list in front
// (SQLite the columns alone, PostgreSQL the columns and the roles array).
#define GH_USERS_BY_ID " FROM users WHERE id = ?1"
#define GH_USERS_BY_EMAIL " FROM users WHERE email = ?1"
#define GH_USERS_BY_PHONE " FROM users WHERE phone_number = ?1"
// ?1 the id to start after, ?2 the page size.
#define GH_USERS_PAGE " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2"
// The user of a live session: ?1 session id, ?2 now. Both lookups are on
// primary keys (GET /user's only read).
#define GH_USERS_BY_LIVE_SESSION                                                       \
  " FROM users WHERE id = (SELECT user_id FROM sessions WHERE id = ?1 AND revoked_at " \
  "IS NULL AND expires_at > ?2)"

namespace gh::store::codec {

inline constexpr int kUserColumnCount = 18;  // GH_USER_COLUMNS

// ?1 .. ?17 are BindUser's parameters.
inline constexpr char kInsertUser[] = "INSERT INTO users (id, " GH_USER_DATA_COLUMNS_OF(
    "") ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
// Every written column but the id, which selects the row.
inline constexpr char kUpdateUser[] =
    "UPDATE users SET (" GH_USER_DATA_COLUMNS_OF(
        "") ") = (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
            "WHERE id = ?1";

// Sessions, tokens, identities, codes and roles go with the user (ON DELETE CASCADE).
inline constexpr char kDeleteUser[] = "DELETE FROM users WHERE id = ?1";
// ?1 the creation time before which anonymous users go.
inline constexpr char kDeleteAnonymousUsers[] =
    "DELETE FROM users WHERE is_anonymous AND created_at < ?1";
inline constexpr char kCountUsers[] = "SELECT COUNT(*) FROM users";
inline constexpr char kDeleteUserRoles[] = "DELETE FROM user_roles WHERE user_id = ?1";

// Binds the id and the written columns of `user` (GH_USER_COLUMNS without the
// trailing summary).
void BindUser(ParamSink& sink, const core::User& user);
// Reads kUserColumnCount columns in the order of GH_USER_COLUMNS; roles stay empty.
core::User ReadUser(RowReader& row);

}  // namespace gh::store::codec
