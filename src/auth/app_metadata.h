// The server's part of a user's app metadata (core::User::app_metadata_json):
// "provider", how the user signed up, and "providers", every way they can sign
// in, sorted and each once. Other members (an operator's) are kept as they are.
//
// Who keeps them: each sign-up path stamps its method (SetSignUpProvider);
// linking an identity adds its provider and unlinking the last identity of a
// provider removes it; a proven new email or phone adds "email" or "phone";
// an anonymous user made real loses "anonymous". Migration 4 filled them for
// the users before (store/*/migrations.cc says how).
//
// Pure functions on the user in memory; thread-safe. The caller writes the user.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/types.h"

namespace gh::auth {

// Sign-up methods besides identity providers.
inline constexpr std::string_view kProviderEmail = "email";
inline constexpr std::string_view kProviderPhone = "phone";
inline constexpr std::string_view kProviderAnonymous = "anonymous";

// provider = `provider`, providers = [`provider`]: a new user.
void SetSignUpProvider(core::User& user, std::string_view provider);
// Adds `provider` to providers (a no-op when there); true when it changed.
bool AddProvider(core::User& user, std::string_view provider);
// Removes `provider` from providers; "provider" (the sign-up method) stays as
// history. True when it changed.
bool RemoveProvider(core::User& user, std::string_view provider);
// The providers list (empty when none or the metadata is not an object).
std::vector<std::string> ProvidersOf(const core::User& user);
// True when the user may have identities at a provider: providers names one
// besides email, phone and anonymous, or names nothing at all (unknown).
bool HasProviderIdentity(const core::User& user);
// The sign-up provider ("" when none).
std::string SignUpProviderOf(const core::User& user);

// Sets provider and providers from what the user row and its identities show,
// for a user that has none recorded (an import from an export or a system
// that kept none). The rule is the one migration 4 applies to the rows before
// it, in SQL (store/*/migrations.cc): provider is "anonymous" for an
// anonymous user, else the provider of an identity made within a minute of
// the user (an OAuth sign-up makes both), else "email" or "phone" by the
// address the row has, else the first identity's; providers holds the
// sign-up method, "email" for an email with a password, "phone" for a
// verified phone and every identity's provider.
void DeriveProviders(core::User& user, const std::vector<core::Identity>& identities);

}  // namespace gh::auth
