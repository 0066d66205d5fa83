// The users row, said once for both stores: its columns in order, the
// statements that write a whole row, and how a core::User binds to and reads
// back from those columns. Roles live in user_roles and are each backend's
// business (SQLite reads them in a second statement, PostgreSQL as an array
// column riding along after these).
//
// Thread safety: stateless functions and constants.
//
// Adding a column: add it to GH_USER_DATA_COLUMNS_OF, one placeholder to
// GH_USER_DATA_PARAMS (kInsertUser and kUpdateUser), one to kUserColumnCount, one line each to
// BindUser and ReadUser, and a migration to each backend (sqlite/migrations.cc,
// postgres/migrations.cc).
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
    "disabled, " t "metadata, " GH_USER_V4_COLUMNS_OF(t)
// The columns of migration 4: confirmations, sign-in, ban, messages sent, app metadata.
#define GH_USER_V4_COLUMNS_OF(t)                                                             \
  t "email_confirmed_at, " t "phone_confirmed_at, " t "banned_until, " t "app_metadata, " t  \
    "last_sign_in_at, " t "invited_at, " t "confirmation_sent_at, " t "recovery_sent_at, " t \
    "email_change_sent_at, " t "phone_change_sent_at, " t "reauthentication_sent_at"
// Every column a read returns, the id first: the written ones, then the
// second-factor summary, which only the factors store writes
// (codec/mfa_factors.h). The order BindUser binds and ReadUser reads.
#define GH_USER_COLUMNS_OF(t)                                      \
  t "id, " GH_USER_DATA_COLUMNS_OF(t) ", " t "active_mfa_type, " t \
                                      "totp_secret_encrypted IS NOT NULL"
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

inline constexpr int kUserColumnCount = 30;  // GH_USER_COLUMNS

// ?1 .. ?28 are BindUser's parameters: the id ?1, the written data columns ?2 on.
#define GH_USER_DATA_PARAMS                                                                      \
  "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, " \
  "?22, ?23, ?24, ?25, ?26, ?27, ?28"
inline constexpr char kInsertUser[] =
    "INSERT INTO users (id, " GH_USER_DATA_COLUMNS_OF("") ") VALUES (?1, " GH_USER_DATA_PARAMS ")";
// Every written column but the id, which selects the row.
inline constexpr char kUpdateUser[] =
    "UPDATE users SET (" GH_USER_DATA_COLUMNS_OF("") ") = (" GH_USER_DATA_PARAMS ") WHERE id = ?1";
#undef GH_USER_DATA_PARAMS

// Sessions, tokens, identities, codes and roles go with the user (ON DELETE CASCADE).
inline constexpr char kDeleteUser[] = "DELETE FROM users WHERE id = ?1";
// ?1 the creation time before which anonymous users go.
inline constexpr char kDeleteAnonymousUsers[] =
    "DELETE FROM users WHERE is_anonymous AND created_at < ?1";
inline constexpr char kCountUsers[] = "SELECT COUNT(*) FROM users";
inline constexpr char kDeleteUserRoles[] = "DELETE FROM user_roles WHERE user_id = ?1";
// Sets one "*_sent_at" column and no other, so a mail sent while a flow
// rewrites the row loses neither write: ?1 the time, ?2 the user id, ?3
// SentMessageName. One statement for every kind, prepared once.
inline constexpr char kMarkSent[] =
    "UPDATE users SET "
    "confirmation_sent_at = CASE ?3 WHEN 'confirmation' THEN ?1 ELSE confirmation_sent_at END, "
    "recovery_sent_at = CASE ?3 WHEN 'recovery' THEN ?1 ELSE recovery_sent_at END, "
    "email_change_sent_at = CASE ?3 WHEN 'email-change' THEN ?1 ELSE email_change_sent_at END, "
    "phone_change_sent_at = CASE ?3 WHEN 'phone-change' THEN ?1 ELSE phone_change_sent_at END, "
    "reauthentication_sent_at = CASE ?3 WHEN 'reauthentication' THEN ?1 "
    "ELSE reauthentication_sent_at END WHERE id = ?2";
// A session started (Sessions::Create, in its transaction): ?1 the time, ?2 the user id.
inline constexpr char kMarkSignedIn[] = "UPDATE users SET last_sign_in_at = ?1 WHERE id = ?2";

// Binds the id and the written columns of `user` (GH_USER_COLUMNS without the
// trailing summary). The email_verified and phone_number_verified columns are
// written as what the confirmation times say (see migration 4: the release
// before reads them).
void BindUser(ParamSink& sink, const core::User& user);
// Reads kUserColumnCount columns in the order of GH_USER_COLUMNS; roles stay
// empty. A row whose boolean says verified but whose time is NULL (written by
// the release before, after a rollback) reads as confirmed at updated_at.
core::User ReadUser(RowReader& row);

// The name MarkSent binds as ?3 for `kind` ("confirmation", "recovery", ...).
const char* SentMessageName(core::SentMessage kind);

}  // namespace gh::store::codec
