// SqliteKeys and SqliteAudit: JWT signing keys and the audit trail, two small
// append-mostly tables (rows and statements: codec/keys_audit.h).

#include "store/codec/keys_audit.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

// --- SqliteKeys ---

Result<std::vector<core::SigningKeyRecord>> SqliteKeys::List() {
  return db_.Read("keys.list", [](Connection& conn) -> Result<std::vector<core::SigningKeyRecord>> {
    std::vector<core::SigningKeyRecord> keys;
    Stmt st = conn.Prepare(codec::kSelectKeys);
    while (st.Step()) keys.push_back(ReadRecord(st, codec::ReadSigningKey));
    return keys;
  });
}

Result<void> SqliteKeys::Insert(const core::SigningKeyRecord& k) {
  return db_.Write("keys.insert", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertKey);
    BindRecord(st, codec::BindSigningKey, k).Run();
    return core::Ok();
  });
}

Result<void> SqliteKeys::Retire(std::string_view kid, core::UnixMillis at) {
  return db_.Write("keys.retire", [&](Connection& conn) -> Result<void> {
    conn.Prepare(codec::kRetireKey).Bind(1, at).Bind(2, kid).Run();
    return core::Ok();
  });
}

Result<bool> SqliteKeys::DeleteRetired(std::string_view kid) {
  return db_.Write("keys.delete", [&](Connection& conn) -> Result<bool> {
    return conn.Prepare(codec::kDeleteRetiredKey).Bind(1, kid).Run() > 0;
  });
}

// --- SqliteAudit ---

Result<void> SqliteAudit::Append(const core::AuditEvent& e) {
  return db_.Write("audit.append", [&](Connection& conn) -> Result<void> {
    Stmt st = conn.Prepare(codec::kInsertAuditEvent);
    BindRecord(st, codec::BindAuditEvent, e).Run();
    return core::Ok();
  });
}

Result<std::vector<core::AuditEvent>> SqliteAudit::ListForUser(std::string_view user_id,
                                                               int limit) {
  return db_.Read("audit.list", [&](Connection& conn) -> Result<std::vector<core::AuditEvent>> {
    std::vector<core::AuditEvent> events;
    Stmt st = conn.Prepare(codec::kSelectAuditForUser);
    st.Bind(1, user_id).Bind(2, limit);
    while (st.Step()) events.push_back(ReadRecord(st, codec::ReadAuditEvent));
    return events;
  });
}

Result<std::vector<ListedAuditEvent>> SqliteAudit::List(const AuditQuery& q) {
  return db_.Read("audit.page", [&](Connection& conn) -> Result<std::vector<ListedAuditEvent>> {
    std::vector<ListedAuditEvent> events;
    Stmt st = conn.Prepare(codec::kSelectAuditPage);
    st.Bind(1, q.user_id).Bind(2, q.type).Bind(3, q.since).Bind(4, q.until);
    st.Bind(5, q.before_id).Bind(6, q.limit);
    while (st.Step()) events.push_back(ReadRecord(st, codec::ReadListedAuditEvent));
    return events;
  });
}

}  // namespace gh::store::sqlite
