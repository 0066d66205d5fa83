// The constructors of each provider kind, one per file under oauth/providers/.
// Each checks the settings its kind needs and answers Error{invalid-request}
// naming the provider when they cannot work. Only the Catalogue calls these.
#pragma once

#include <memory>

#include "core/error.h"
#include "oauth/providers/oauth2.h"

namespace gh::oauth::providers {

using Made = core::Result<std::unique_ptr<Provider>>;

Made MakeGoogle(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeApple(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeFacebook(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeTwitter(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeGithub(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeDiscord(const config::OAuthProvider& settings, ProviderDeps deps);
Made MakeOidc(const config::OAuthProvider& settings, ProviderDeps deps);

}  // namespace gh::oauth::providers
