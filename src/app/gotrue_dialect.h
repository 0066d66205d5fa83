// app::GoTrueDialect: the GoTrue dialect (api/gotrue, supabase/auth's API) over
// the shared flows, beside the native one: its links, the handles its handlers
// call, and its route table over the shared route classes.
//
// Built once before serving and read-only after; outlives the router.
#pragma once

#include <string>

#include "api/gotrue/gotrue.h"
#include "api/gotrue/gotrue_links.h"
#include "app/flows.h"
#include "config/config.h"
#include "http/route_classes.h"
#include "http/server.h"

namespace gh::app {

class GoTrueDialect {
 public:
  // `mount` is where it is served (gotrue_mount, "/auth/v1"). `config` (its
  // public_url read at each link) and `flows` must outlive this; so must
  // `activity` (the admin stats' source, may be null).
  GoTrueDialect(const config::Config& config, Flows& flows, std::string mount,
                const core::ActivityFigures* activity = nullptr);
  GoTrueDialect(const GoTrueDialect&) = delete;
  GoTrueDialect& operator=(const GoTrueDialect&) = delete;

  // Adds every GoTrue route under the mount, each with its class.
  void Register(http::Router& router, const http::RouteClasses& classes) const;

 private:
  const std::string mount_;
  const api::gotrue::GoTrueLinks links_;
  const api::gotrue::Deps deps_;
};

}  // namespace gh::app
