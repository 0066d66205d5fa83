#include "app/gotrue_dialect.h"

namespace gh::app {

GoTrueDialect::GoTrueDialect(const config::Config& config, Flows& flows, std::string mount,
                             const core::ActivityFigures* activity)
    : mount_(std::move(mount)),
      links_(config.public_url, mount_),
      deps_{config,
            *flows.password,
            *flows.sessions,
            *flows.tokens,
            *flows.accounts,
            *flows.anonymous,
            *flows.mfa,
            *flows.email->verification,
            *flows.email->passwordless,
            *flows.email->reset,
            *flows.email->change,
            *flows.email->links,
            links_,
            flows.options.redirects,
            flows.sms.get(),
            flows.oauth.get(),
            flows.api_keys.get(),
            flows.admin.get(),
            activity} {}

void GoTrueDialect::Register(http::Router& router, const http::RouteClasses& classes) const {
  api::gotrue::RegisterRoutes(router, deps_, classes, mount_);
}

}  // namespace gh::app
