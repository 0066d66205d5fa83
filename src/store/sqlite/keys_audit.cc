// SqliteKeys and SqliteAudit: JWT signing keys and the audit trail, two small
// append-mostly tables.

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gh::store::sqlite {

// --- SqliteKeys ---

Result<std::vector<core::SigningKeyRecord>> SqliteKeys::List() {
  return db_.Read("keys.list", [](Connection& conn) -> Result<std::vector<core::SigningKeyRecord>> {
    std::vector<core::SigningKeyRecord> keys;
    Stmt st = conn.Prepare(
        "SELECT kid, algorithm, private_pem, public_pem, created_at, retired_at "
        "FROM signing_keys ORDER BY created_at DESC, kid DESC");
    while (st.Step()) {
      core::SigningKeyRecord k;
      k.kid = st.Text(0);
      k.algorithm = st.Text(1);
      k.private_pem = st.Text(2);
      k.public_pem = st.Text(3);
      k.created_at = st.Int(4);
      k.retired_at = st.OptInt(5);
      keys.push_back(std::move(k));
    }
    return keys;
  });
}

Result<void> SqliteKeys::Insert(const core::SigningKeyRecord& k) {
  return db_.Write("keys.insert", [&](Connection& conn) -> Result<void> {
    conn.Prepare(
            "INSERT INTO signing_keys (kid, algorithm, private_pem, public_pem, created_at, "
            "retired_at) VALUES (?, ?, ?, ?, ?, ?)")
        .Bind(1, k.kid)
        .Bind(2, k.algorithm)
        .Bind(3, k.private_pem)
        .Bind(4, k.public_pem)
        .Bind(5, k.created_at)
        .Bind(6, k.retired_at)
        .Run();
    return core::Ok();
  });
}

Result<void> SqliteKeys::Retire(std::string_view kid, core::UnixMillis at) {
  // Keeps the first retirement time: retiring twice must not extend a key's life.
  return db_.Write("keys.retire", [&](Connection& conn) -> Result<void> {
    conn.Prepare("UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL")
        .Bind(1, at)
        .Bind(2, kid)
        .Run();
    return core::Ok();
  });
}

// --- SqliteAudit ---

Result<void> SqliteAudit::Append(const core::AuditEvent& e) {
  return db_.Write("audit.append", [&](Connection& conn) -> Result<void> {
    conn.Prepare(
            "INSERT INTO audit_log (at, type, user_id, ip, user_agent, data) "
            "VALUES (?, ?, ?, ?, ?, ?)")
        .Bind(1, e.at)
        .Bind(2, e.type)
        .Bind(3, e.user_id)
        .Bind(4, e.ip)
        .Bind(5, e.user_agent)
        .Bind(6, e.data_json)
        .Run();
    return core::Ok();
  });
}

Result<std::vector<core::AuditEvent>> SqliteAudit::ListForUser(std::string_view user_id,
                                                               int limit) {
  return db_.Read("audit.list", [&](Connection& conn) -> Result<std::vector<core::AuditEvent>> {
    std::vector<core::AuditEvent> events;
    Stmt st = conn.Prepare(
        "SELECT at, type, user_id, ip, user_agent, data FROM audit_log "
        "WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT ?");
    st.Bind(1, user_id).Bind(2, limit);
    while (st.Step()) {
      core::AuditEvent e;
      e.at = st.Int(0);
      e.type = st.Text(1);
      e.user_id = st.OptText(2);
      e.ip = st.Text(3);
      e.user_agent = st.Text(4);
      e.data_json = st.Text(5);
      events.push_back(std::move(e));
    }
    return events;
  });
}

}  // namespace gh::store::sqlite
