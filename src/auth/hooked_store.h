// auth::HookedStore: a Store that is another store, except that creating a
// user goes through the app's user-created hooks (auth/hooks.h): the
// before-user-created hook may refuse the user (nothing is written), the
// after-user-created hook is told once the row is in. Every way a user comes to
// be (sign-up, passwordless email or SMS, anonymous, identity provider,
// passkey, the admin API) creates it through Users::Create, so the composition
// root wraps the store the flows get in one when either hook is on, and no flow
// needs to know.
//
// An after-user-created hook that fails does not undo the user (it exists, and
// the caller may sign in); the failure is logged.
//
// Thread-safe as the wrapped store and the hooks are. Non-copyable; both must
// outlive it.
#pragma once

#include "auth/hooks.h"
#include "store/store.h"

namespace gh::auth {

class HookedStore final : public store::Store {
 public:
  HookedStore(store::Store& inner, const Hooks& hooks);
  HookedStore(const HookedStore&) = delete;
  HookedStore& operator=(const HookedStore&) = delete;

  store::Result<void> Migrate() override { return inner_.Migrate(); }
  store::Result<void> Ping() override { return inner_.Ping(); }
  store::Result<std::string> GetOrInsertSecret(std::string_view name,
                                               std::string_view candidate) override {
    return inner_.GetOrInsertSecret(name, candidate);
  }
  store::Users& users() override { return users_; }
  store::Sessions& sessions() override { return inner_.sessions(); }
  store::Identities& identities() override { return inner_.identities(); }
  store::OneTimeCodes& codes() override { return inner_.codes(); }
  store::SigningKeys& keys() override { return inner_.keys(); }
  store::AuditLog& audit() override { return inner_.audit(); }
  store::Mfa& mfa() override { return inner_.mfa(); }
  store::Factors& factors() override { return inner_.factors(); }
  store::Passkeys& passkeys() override { return inner_.passkeys(); }
  store::PersonalAccessTokens& pats() override { return inner_.pats(); }
  store::OAuthState& oauth() override { return inner_.oauth(); }
  store::Counters& counters() override { return inner_.counters(); }

 private:
  class HookedUsers final : public store::Users {
   public:
    HookedUsers(store::Users& inner, const Hooks& hooks) : inner_(inner), hooks_(hooks) {}
    store::Result<void> Create(const core::User& user) override;
    store::Result<std::optional<core::User>> FindById(std::string_view id) override {
      return inner_.FindById(id);
    }
    store::Result<std::optional<core::User>> FindByLiveSession(std::string_view session_id,
                                                               core::UnixMillis now) override {
      return inner_.FindByLiveSession(session_id, now);
    }
    store::Result<std::optional<core::User>> FindByEmail(std::string_view email) override {
      return inner_.FindByEmail(email);
    }
    store::Result<std::optional<core::User>> FindByPhone(std::string_view e164) override {
      return inner_.FindByPhone(e164);
    }
    store::Result<void> Update(const core::User& user) override { return inner_.Update(user); }
    store::Result<void> Delete(std::string_view id) override { return inner_.Delete(id); }
    store::Result<std::vector<core::User>> List(std::string_view after_id, int limit) override {
      return inner_.List(after_id, limit);
    }
    store::Result<int64_t> Count() override { return inner_.Count(); }
    store::Result<int> DeleteAnonymousCreatedBefore(core::UnixMillis before) override {
      return inner_.DeleteAnonymousCreatedBefore(before);
    }
    store::Result<void> MarkSent(std::string_view user_id, core::SentMessage kind,
                                 core::UnixMillis at) override {
      return inner_.MarkSent(user_id, kind, at);
    }

   private:
    store::Users& inner_;
    const Hooks& hooks_;
  };

  store::Store& inner_;
  HookedUsers users_;
};

}  // namespace gh::auth
