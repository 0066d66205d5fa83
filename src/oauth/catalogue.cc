#include <utility>

#include "oauth/provider.h"
#include "oauth/providers/factories.h"

namespace gh::oauth {
namespace {

using Factory = providers::Made (*)(const config::OAuthProvider&, providers::ProviderDeps);

Factory FactoryFor(const std::string& kind) {
  static const std::pair<const char*, Factory> kKinds[] = {
      {"google", providers::MakeGoogle},     {"apple", providers::MakeApple},
      {"facebook", providers::MakeFacebook}, {"twitter", providers::MakeTwitter},
      {"github", providers::MakeGithub},     {"discord", providers::MakeDiscord},
      {"oidc", providers::MakeOidc},
  };
  for (const auto& [name, factory] : kKinds) {
    if (kind == name) return factory;
  }
  return nullptr;
}

}  // namespace

core::Result<std::unique_ptr<Catalogue>> Catalogue::Create(const config::Config& config,
                                                           const core::Clock& clock,
                                                           std::shared_ptr<HttpClient> http) {
  std::vector<std::unique_ptr<Provider>> made;
  for (const config::OAuthProvider& settings : config.oauth_providers) {
    if (!settings.enabled) continue;
    auto invalid = [&](const std::string& why) {
      return core::Error(core::errc::kInvalidRequest, "provider " + settings.name + ": " + why);
    };
    Factory factory = FactoryFor(settings.kind);
    if (factory == nullptr) return invalid("unknown kind \"" + settings.kind + "\"");
    if (settings.client_id.empty()) return invalid("client_id is required");
    for (const auto& p : made) {
      if (p->name() == settings.name) return invalid("configured twice");
    }
    auto provider = factory(settings, providers::ProviderDeps{&clock, http});
    if (!provider.ok()) return provider.error();
    made.push_back(std::move(provider.value()));
  }
  auto catalogue = std::make_unique<Catalogue>(std::move(made));
  catalogue->http_ = std::move(http);
  return catalogue;
}

Catalogue::Catalogue(std::vector<std::unique_ptr<Provider>> providers)
    : providers_(std::move(providers)) {}

Catalogue::~Catalogue() = default;

Provider* Catalogue::Find(std::string_view name) const {
  for (const auto& p : providers_) {
    if (p->name() == name) return p.get();
  }
  return nullptr;
}

std::vector<std::string> Catalogue::Names() const {
  std::vector<std::string> names;
  names.reserve(providers_.size());
  for (const auto& p : providers_) names.push_back(p->name());
  return names;
}

}  // namespace gh::oauth
