// PgKeys and PgAudit: JWT signing keys and the audit trail, two small
// append-mostly tables (rows and statements: codec/keys_audit.h).

#include "store/codec/keys_audit.h"
#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

namespace {

constexpr PgSql kInsertKey(codec::kInsertKey);
constexpr PgSql kRetireKey(codec::kRetireKey);
constexpr PgSql kDeleteRetiredKey(codec::kDeleteRetiredKey);
constexpr PgSql kInsertAuditEvent(codec::kInsertAuditEvent);
constexpr PgSql kSelectAuditForUser(codec::kSelectAuditForUser);
constexpr PgSql kSelectAuditPage(codec::kSelectAuditPage);

}  // namespace

// --- PgKeys ---

Result<std::vector<core::SigningKeyRecord>> PgKeys::List() {
  return db_.Single("keys.list",
                    [](Connection& conn) -> Result<std::vector<core::SigningKeyRecord>> {
                      PgResult r = conn.Run(codec::kSelectKeys);
                      std::vector<core::SigningKeyRecord> keys;
                      for (int i = 0; i < r.rows(); ++i) {
                        keys.push_back(ReadRecord(r, i, codec::ReadSigningKey));
                      }
                      return keys;
                    });
}

Result<void> PgKeys::Insert(const core::SigningKeyRecord& k) {
  return db_.Single("keys.insert", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertKey, BoundParams(codec::BindSigningKey, k));
    return core::Ok();
  });
}

Result<void> PgKeys::Retire(std::string_view kid, core::UnixMillis at) {
  return db_.Single("keys.retire", [&](Connection& conn) -> Result<void> {
    conn.Run(kRetireKey, Params().Add(at).Add(kid));
    return core::Ok();
  });
}

Result<bool> PgKeys::DeleteRetired(std::string_view kid) {
  return db_.Single("keys.delete", [&](Connection& conn) -> Result<bool> {
    return conn.Run(kDeleteRetiredKey, Params().Add(kid)).affected() > 0;
  });
}

// --- PgAudit ---

Result<void> PgAudit::Append(const core::AuditEvent& e) {
  return db_.Single("audit.append", [&](Connection& conn) -> Result<void> {
    conn.Run(kInsertAuditEvent, BoundParams(codec::BindAuditEvent, e));
    return core::Ok();
  });
}

Result<std::vector<core::AuditEvent>> PgAudit::ListForUser(std::string_view user_id, int limit) {
  return db_.Single("audit.list", [&](Connection& conn) -> Result<std::vector<core::AuditEvent>> {
    PgResult r = conn.Run(kSelectAuditForUser, Params().Add(user_id).Add(limit));
    std::vector<core::AuditEvent> events;
    for (int i = 0; i < r.rows(); ++i) events.push_back(ReadRecord(r, i, codec::ReadAuditEvent));
    return events;
  });
}

Result<std::vector<ListedAuditEvent>> PgAudit::List(const AuditQuery& q) {
  return db_.Single("audit.page", [&](Connection& conn) -> Result<std::vector<ListedAuditEvent>> {
    PgResult r = conn.Run(kSelectAuditPage, Params()
                                                .Add(q.user_id)
                                                .Add(q.type)
                                                .Add(q.since)
                                                .Add(q.until)
                                                .Add(q.before_id)
                                                .Add(q.limit));
    std::vector<ListedAuditEvent> events;
    for (int i = 0; i < r.rows(); ++i)
      events.push_back(ReadRecord(r, i, codec::ReadListedAuditEvent));
    return events;
  });
}

}  // namespace gh::store::postgres
