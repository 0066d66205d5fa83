// PgKeys and PgAudit: JWT signing keys and the audit trail, two small
// append-mostly tables.

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_store.h"

namespace gh::store::postgres {

// --- PgKeys ---

Result<std::vector<core::SigningKeyRecord>> PgKeys::List() {
  return db_.Single("keys.list",
                    [](Connection& conn) -> Result<std::vector<core::SigningKeyRecord>> {
                      PgResult r = conn.Run(
                          "SELECT kid, algorithm, private_pem, public_pem, created_at, retired_at "
                          "FROM signing_keys ORDER BY created_at DESC, kid DESC");
                      std::vector<core::SigningKeyRecord> keys;
                      for (int i = 0; i < r.rows(); ++i) {
                        core::SigningKeyRecord k;
                        k.kid = r.Text(i, 0);
                        k.algorithm = r.Text(i, 1);
                        k.private_pem = r.Text(i, 2);
                        k.public_pem = r.Text(i, 3);
                        k.created_at = r.Int(i, 4);
                        k.retired_at = r.OptInt(i, 5);
                        keys.push_back(std::move(k));
                      }
                      return keys;
                    });
}

Result<void> PgKeys::Insert(const core::SigningKeyRecord& k) {
  return db_.Single("keys.insert", [&](Connection& conn) -> Result<void> {
    conn.Run(
        "INSERT INTO signing_keys (kid, algorithm, private_pem, public_pem, created_at, "
        "retired_at) VALUES ($1, $2, $3, $4, $5, $6)",
        Params()
            .Add(k.kid)
            .Add(k.algorithm)
            .Add(k.private_pem)
            .Add(k.public_pem)
            .Add(k.created_at)
            .Add(k.retired_at));
    return core::Ok();
  });
}

Result<void> PgKeys::Retire(std::string_view kid, core::UnixMillis at) {
  // Keeps the first retirement time: retiring twice must not extend a key's life.
  return db_.Single("keys.retire", [&](Connection& conn) -> Result<void> {
    conn.Run("UPDATE signing_keys SET retired_at = $1 WHERE kid = $2 AND retired_at IS NULL",
             Params().Add(at).Add(kid));
    return core::Ok();
  });
}

// --- PgAudit ---

Result<void> PgAudit::Append(const core::AuditEvent& e) {
  return db_.Single("audit.append", [&](Connection& conn) -> Result<void> {
    conn.Run(
        "INSERT INTO audit_log (at, type, user_id, ip, user_agent, data) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        Params().Add(e.at).Add(e.type).Add(e.user_id).Add(e.ip).Add(e.user_agent).Add(e.data_json));
    return core::Ok();
  });
}

Result<std::vector<core::AuditEvent>> PgAudit::ListForUser(std::string_view user_id, int limit) {
  return db_.Single("audit.list", [&](Connection& conn) -> Result<std::vector<core::AuditEvent>> {
    PgResult r = conn.Run(
        "SELECT at, type, user_id, ip, user_agent, data FROM audit_log "
        "WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        Params().Add(user_id).Add(limit));
    std::vector<core::AuditEvent> events;
    for (int i = 0; i < r.rows(); ++i) {
      core::AuditEvent e;
      e.at = r.Int(i, 0);
      e.type = r.Text(i, 1);
      e.user_id = r.OptText(i, 2);
      e.ip = r.Text(i, 3);
      e.user_agent = r.Text(i, 4);
      e.data_json = r.Text(i, 5);
      events.push_back(std::move(e));
    }
    return events;
  });
}

}  // namespace gh::store::postgres
