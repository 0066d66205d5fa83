// The two seams between the row codecs (src/store/codec/) and a backend: a
// ParamSink that statement parameters are bound into, one after another, and a
// RowReader that hands back a result row's columns, one after another. Each
// backend implements both over its own statement and result types; the codecs
// say once, per table, which columns there are, in what order, and how a core
// record maps onto them.
//
// Thread safety: a sink or reader wraps one statement or result and is used by
// the thread that owns it, like the statement itself.
//
// Statements in the codec headers are written once, with SQLite's numbered
// placeholders (?1, ?2, ...): SQLite runs them as they are, and the PostgreSQL
// store rewrites them to $1, $2, ... at compile time (postgres/pg_conn.h,
// PgSql). They hold no other question mark.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.h"

namespace gh::store::codec {

// Receives the parameters of one statement in order (the first call binds ?1).
class ParamSink {
 public:
  virtual void Text(std::string_view value) = 0;
  virtual void OptText(const std::optional<std::string>& value) = 0;  // nullopt binds NULL
  virtual void Int(int64_t value) = 0;
  virtual void OptInt(const std::optional<int64_t>& value) = 0;
  virtual void Bool(bool value) = 0;
  // A point in time, in the representation the backend stores (both keep
  // UnixMillis integers today, so both forward to Int / OptInt).
  virtual void Time(core::UnixMillis value) { Int(value); }
  virtual void OptTime(const std::optional<core::UnixMillis>& value) { OptInt(value); }

 protected:
  ~ParamSink() = default;
};

// Hands out the columns of one result row in order (the first call reads
// column 0). Reading past the row's last column is a programming error.
class RowReader {
 public:
  virtual std::string Text() = 0;
  virtual std::optional<std::string> OptText() = 0;  // NULL reads as nullopt
  virtual int64_t Int() = 0;
  virtual std::optional<int64_t> OptInt() = 0;
  virtual bool Bool() = 0;
  virtual core::UnixMillis Time() { return Int(); }
  virtual std::optional<core::UnixMillis> OptTime() { return OptInt(); }

 protected:
  ~RowReader() = default;
};

}  // namespace gh::store::codec
