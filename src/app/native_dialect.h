// app::NativeDialect: the native dialect (api/nhost, the Nhost auth v1 API)
// over the shared flows: its links, the handles its handlers call, and its
// route tables. What a second dialect repeats is this much: its LinkStyle, its
// Deps from Flows, its Register calls with the shared route classes.
//
// Built once before serving and read-only after; outlives the router.
#pragma once

#include <string>

#include "api/nhost/email_routes.h"
#include "api/nhost/native_links.h"
#include "api/nhost/nhost.h"
#include "app/flows.h"
#include "config/config.h"
#include "http/route_classes.h"
#include "http/server.h"

namespace gh::app {

class NativeDialect {
 public:
  // `mount` is where it is served ("/v1"). `config` (its public_url read at each
  // link, so the URL App::Listen settles on) and `flows` must outlive this.
  NativeDialect(const config::Config& config, Flows& flows, std::string mount);
  NativeDialect(const NativeDialect&) = delete;
  NativeDialect& operator=(const NativeDialect&) = delete;

  // Adds every native route under the mount, each with its class.
  void Register(http::Router& router, const http::RouteClasses& classes) const;

 private:
  const std::string mount_;
  const api::nhost::NativeLinks links_;
  const api::nhost::Deps deps_;
  const api::nhost::EmailDeps email_;
};

}  // namespace gh::app
