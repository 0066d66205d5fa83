// store::ObservedStore: a Store that is another store, except that every event
// appended to (or noticed by) its audit log is also handed to a
// core::EventObserver. The composition root wraps the store the flows get in
// one when something watches the events (metrics, JSON event lines); the
// flows keep calling the audit log as before.
//
// Thread-safe as the wrapped store is; the observer must be too (it is called
// from the threads that call the audit log). Non-copyable; the wrapped store
// and the observer must outlive it.
#pragma once

#include "core/events.h"
#include "store/store.h"

namespace gh::store {

class ObservedStore final : public Store {
 public:
  ObservedStore(Store& inner, core::EventObserver& observer);
  ObservedStore(const ObservedStore&) = delete;
  ObservedStore& operator=(const ObservedStore&) = delete;

  Result<void> Migrate() override { return inner_.Migrate(); }
  Result<void> Ping() override { return inner_.Ping(); }
  Result<std::string> GetOrInsertSecret(std::string_view name,
                                        std::string_view candidate) override {
    return inner_.GetOrInsertSecret(name, candidate);
  }
  Users& users() override { return inner_.users(); }
  Sessions& sessions() override { return inner_.sessions(); }
  Identities& identities() override { return inner_.identities(); }
  OneTimeCodes& codes() override { return inner_.codes(); }
  SigningKeys& keys() override { return inner_.keys(); }
  AuditLog& audit() override { return audit_; }
  Mfa& mfa() override { return inner_.mfa(); }
  Factors& factors() override { return inner_.factors(); }
  Passkeys& passkeys() override { return inner_.passkeys(); }
  PersonalAccessTokens& pats() override { return inner_.pats(); }
  OAuthState& oauth() override { return inner_.oauth(); }
  Counters& counters() override { return inner_.counters(); }

 private:
  class Audit final : public AuditLog {
   public:
    Audit(AuditLog& inner, core::EventObserver& observer) : inner_(inner), observer_(observer) {}
    // The observer sees the event whether or not the write succeeded: a
    // sign-in happened either way, and the audit write is best effort.
    Result<void> Append(const core::AuditEvent& event) override;
    Result<std::vector<core::AuditEvent>> ListForUser(std::string_view user_id,
                                                      int limit) override {
      return inner_.ListForUser(user_id, limit);
    }
    Result<std::vector<ListedAuditEvent>> List(const AuditQuery& query) override {
      return inner_.List(query);
    }
    void Notice(const core::AuditEvent& event) override;

   private:
    AuditLog& inner_;
    core::EventObserver& observer_;
  };

  Store& inner_;
  Audit audit_;
};

}  // namespace gh::store
