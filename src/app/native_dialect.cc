#include "app/native_dialect.h"

namespace gh::app {

NativeDialect::NativeDialect(const config::Config& config, Flows& flows, std::string mount)
    : mount_(std::move(mount)),
      links_(config.public_url, mount_),
      deps_{config,
            *flows.password,
            *flows.sessions,
            *flows.tokens,
            *flows.accounts,
            *flows.anonymous,
            *flows.mfa,
            *flows.pats,
            links_,
            flows.options.redirects,
            flows.sms.get(),
            flows.oauth.get(),
            flows.passkeys.get(),
            flows.devices.get()},
      email_{*flows.email->verification, *flows.email->passwordless, *flows.email->reset,
             *flows.email->change, *flows.email->links} {}

void NativeDialect::Register(http::Router& router, const http::RouteClasses& classes) const {
  api::nhost::RegisterRoutes(router, deps_, classes, mount_);
  api::nhost::RegisterEmailRoutes(router, deps_, email_, classes, mount_);
}

}  // namespace gh::app
