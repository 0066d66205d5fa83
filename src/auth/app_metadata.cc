#include "auth/app_metadata.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace gh::auth {
namespace {

// Insertion order is kept, so an operator's members stay where they were.
using Json = nlohmann::ordered_json;

Json Parse(const core::User& user) {
  Json j = Json::parse(user.app_metadata_json, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

std::vector<std::string> Providers(const Json& j) {
  std::vector<std::string> out;
  auto it = j.find("providers");
  if (it == j.end() || !it->is_array()) return out;
  for (const Json& p : *it)
    if (p.is_string()) out.push_back(p.get<std::string>());
  return out;
}

// Writes `providers` sorted and unique; true when that changed the text.
bool Store(core::User& user, Json j, std::vector<std::string> providers) {
  std::sort(providers.begin(), providers.end());
  providers.erase(std::unique(providers.begin(), providers.end()), providers.end());
  j["providers"] = providers;
  std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  if (text == user.app_metadata_json) return false;
  user.app_metadata_json = std::move(text);
  return true;
}

}  // namespace

void SetSignUpProvider(core::User& user, std::string_view provider) {
  Json j = Parse(user);
  j["provider"] = std::string(provider);
  Store(user, std::move(j), {std::string(provider)});
}

bool AddProvider(core::User& user, std::string_view provider) {
  Json j = Parse(user);
  std::vector<std::string> providers = Providers(j);
  providers.emplace_back(provider);
  return Store(user, std::move(j), std::move(providers));
}

bool RemoveProvider(core::User& user, std::string_view provider) {
  Json j = Parse(user);
  std::vector<std::string> providers = Providers(j);
  std::erase(providers, std::string(provider));
  return Store(user, std::move(j), std::move(providers));
}

std::vector<std::string> ProvidersOf(const core::User& user) { return Providers(Parse(user)); }

bool HasProviderIdentity(const core::User& user) {
  const std::vector<std::string> providers = ProvidersOf(user);
  if (providers.empty()) return true;
  for (const std::string& p : providers)
    if (p != kProviderEmail && p != kProviderPhone && p != kProviderAnonymous) return true;
  return false;
}

std::string SignUpProviderOf(const core::User& user) {
  Json j = Parse(user);
  auto it = j.find("provider");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void DeriveProviders(core::User& user, const std::vector<core::Identity>& identities) {
  constexpr core::UnixMillis kSameSignUpMillis = 60'000;
  const core::Identity* first = nullptr;
  for (const core::Identity& i : identities)
    if (first == nullptr || std::tie(i.created_at, i.id) < std::tie(first->created_at, first->id))
      first = &i;
  std::string provider;
  if (user.is_anonymous)
    provider = kProviderAnonymous;
  else if (first != nullptr && first->created_at <= user.created_at + kSameSignUpMillis)
    provider = first->provider;
  else if (user.email)
    provider = kProviderEmail;
  else if (user.phone_number)
    provider = kProviderPhone;
  else if (first != nullptr)
    provider = first->provider;

  std::vector<std::string> providers;
  if (!provider.empty()) providers.push_back(provider);
  if (user.email && user.password_hash) providers.emplace_back(kProviderEmail);
  if (user.phone_number && user.phone_number_verified()) providers.emplace_back(kProviderPhone);
  for (const core::Identity& i : identities) providers.push_back(i.provider);
  Json j = Parse(user);
  if (!provider.empty()) j["provider"] = provider;
  Store(user, std::move(j), std::move(providers));
}

}  // namespace gh::auth
