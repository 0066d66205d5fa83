#include <gtest/gtest.h>

#include "store/sqlite/sqlite_db.h"

namespace gh::store::sqlite {
namespace {

TEST(SqliteErrorsTest, RetryableFailuresAreServiceUnavailable) {
  for (int code : {SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_IOERR_WRITE,
                   SQLITE_FULL, SQLITE_CANTOPEN}) {
    core::Error e = ToError(DbError{code, "database is locked"}, "test");
    EXPECT_EQ(e.code, core::errc::kUnavailable) << code;
    EXPECT_EQ(e.retry_after_seconds, 1) << code;
  }
}

TEST(SqliteErrorsTest, UniqueConflictsOnUsersNameTheColumn) {
  EXPECT_EQ(
      ToError(DbError{SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: users.email"}, "t").code,
      core::errc::kEmailAlreadyInUse);
  EXPECT_EQ(
      ToError(DbError{SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: users.phone_number"},
              "t")
          .code,
      "phone-already-in-use");
}

TEST(SqliteErrorsTest, OtherFailuresAreInternalWithoutDetail) {
  core::Error e = ToError(DbError{SQLITE_CORRUPT, "database disk image is malformed"}, "t");
  EXPECT_EQ(e.code, core::errc::kInternal);
  EXPECT_EQ(e.retry_after_seconds, 0);
  EXPECT_EQ(e.message.find("malformed"), std::string::npos);
  EXPECT_EQ(
      ToError(DbError{SQLITE_CONSTRAINT_FOREIGNKEY, "FOREIGN KEY constraint failed"}, "t").code,
      core::errc::kInternal);
}

}  // namespace
}  // namespace gh::store::sqlite
