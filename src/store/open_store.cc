// store::OpenStore: turns a database URL from the configuration into a Store.

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

std::string OctalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The SQLite file holds the signing private keys and the code and derivation
// keys, so only its owner may read it. We create the folder 0700 and the file
// 0600 ourselves (whatever the umask; SQLite gives its -wal, -shm and -journal
// files the database file's mode), and refuse to open a database file that
// group or others can access, as ssh refuses a readable private key and
// PostgreSQL a group/world-accessible data directory: its secrets may already
// have been read, so the operator must look (tighten the mode, rotate the
// keys) rather than have us quietly chmod it. A folder others can read only
// gets a warning (a shared folder such as a home directory is common, and it
// only shows file names); one others can write without the sticky bit is
// refused (they could swap the database).
Result<void> SecureSqliteFiles(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  const fs::path folder = parent.empty() ? fs::path(".") : parent;
  std::error_code ec;
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (!ec) fs::permissions(parent, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec) {
      std::fprintf(stderr, "gatehouse store: cannot create directory %s: %s\n", parent.c_str(),
                   ec.message().c_str());
      return core::Error(core::errc::kInternal, "Cannot create the database directory");
    }
  }
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if ((st.st_mode & S_IWOTH || st.st_mode & S_IWGRP) && !(st.st_mode & S_ISVTX)) {
      return core::Error(core::errc::kInvalidRequest,
                         "the database folder " + folder.string() + " (mode " +
                             OctalMode(st.st_mode) +
                             ") is writable by group or others, who could replace the "
                             "database: chmod 700 " +
                             folder.string());
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      std::fprintf(stderr,
                   "gatehouse store: warning: the database folder %s (mode %s) is open to group "
                   "or others; chmod 700 it unless it is shared on purpose\n",
                   folder.c_str(), OctalMode(st.st_mode).c_str());
    }
  }
  // O_EXCL: only a file we create gets our mode; an existing one is checked below.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::fchmod(fd, 0600);  // 0600 whatever the umask
    ::close(fd);
  } else if (errno != EEXIST) {
    std::fprintf(stderr, "gatehouse store: cannot create %s: %s\n", path.c_str(),
                 std::strerror(errno));
    return core::Error(core::errc::kInternal, "Cannot create the database file");
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    if (::stat(file.c_str(), &st) != 0) continue;
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      return core::Error(core::errc::kInvalidRequest,
                         file + " (mode " + OctalMode(st.st_mode) +
                             ") is accessible by group or others, and the database holds the "
                             "signing keys: chmod 600 " +
                             path +
                             "*, and rotate the keys "
                             "(`gatehouse keys rotate`) if others may have read it");
    }
  }
  return core::Ok();
}

}  // namespace

bool IsPostgresUrl(std::string_view url) {
  return StartsWith(url, "postgres://") || StartsWith(url, "postgresql://");
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view database_url, int pool_size,
                                         std::string_view pg_schema) {
  if (IsPostgresUrl(database_url)) {
    return postgres::OpenPgStore(database_url, pool_size, pg_schema);
  }
  const std::string path = SqlitePath(database_url);
  if (path.empty()) {
    // No URL in the message: it may carry a password.
    return core::Error(core::errc::kInvalidRequest,
                       "Unsupported database URL (expected sqlite://, postgres:// or a .db path)");
  }
  if (path != ":memory:") {
    if (auto secured = SecureSqliteFiles(path); !secured) return secured.error();
  }
  return sqlite::OpenSqliteStore(path, pool_size);
}

bool IsSupportedDatabaseUrl(std::string_view database_url) {
  return IsPostgresUrl(database_url) || !SqlitePath(database_url).empty();
}

std::string DescribeDatabase(std::string_view database_url, std::string_view pg_schema) {
  if (!IsPostgresUrl(database_url)) {
    const std::string path = SqlitePath(database_url);
    return path.empty() ? "unsupported URL" : "SQLite " + path;
  }
  // libpq reads the URL as it will when connecting (defaults, percent-escapes,
  // ?host= parameters); only host, port and database are shown.
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(std::string(database_url).c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return "PostgreSQL (unparsable URL)";
  }
  std::string host = "localhost", port, db;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    std::string_view k = o->keyword;
    if (k == "host") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "PostgreSQL " + host + (port.empty() ? "" : ":" + port);
  if (!db.empty()) out += "/" + db;
  return out + ", schema " + std::string(pg_schema);
}

}  // namespace gh::store
