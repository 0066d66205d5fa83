// store::OpenStore: turns a database URL from the configuration into a Store.

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace gh::store {

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The file a sqlite URL names, or ":memory:"; empty when the URL is not SQLite.
//   sqlite:///abs/path.db -> /abs/path.db     sqlite://./rel.db -> ./rel.db
//   sqlite::memory:       -> :memory:         path/to/file.db   -> path/to/file.db
std::string SqlitePath(std::string_view url) {
  if (url == "sqlite::memory:" || url == "sqlite://:memory:" || url == ":memory:") {
    return ":memory:";
  }
  if (StartsWith(url, "sqlite://")) return std::string(url.substr(9));
  if (StartsWith(url, "sqlite:")) return std::string(url.substr(7));
  if (url.find("://") == std::string_view::npos &&
      (EndsWith(url, ".db") || EndsWith(url, ".sqlite") || EndsWith(url, ".sqlite3"))) {
    return std::string(url);
  }
  return std::string();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenStore(std::string_view database_url, int pool_size,
                                         std::string_view pg_schema) {
  if (StartsWith(database_url, "postgres://") || StartsWith(database_url, "postgresql://")) {
    return postgres::OpenPgStore(database_url, pool_size, pg_schema);
  }
  const std::string path = SqlitePath(database_url);
  if (path.empty()) {
    // No URL in the message: it may carry a password.
    return core::Error(core::errc::kInvalidRequest,
                       "Unsupported database URL (expected sqlite://, postgres:// or a .db path)");
  }
  if (path != ":memory:") {
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      std::fprintf(stderr, "gatehouse store: cannot create directory %s: %s\n", parent.c_str(),
                   ec.message().c_str());
      return core::Error(core::errc::kInternal, "Cannot create the database directory");
    }
  }
  return sqlite::OpenSqliteStore(path, pool_size);
}

}  // namespace gh::store
