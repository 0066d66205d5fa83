// app::RouteClassesFrom: the route classes (http/route_classes.h) the settings
// make, built once for every dialect's route table. Pure.
#pragma once

#include "config/config.h"
#include "http/route_classes.h"

namespace gh::app {

// `screens_breaches`: the breach check is on (PasswordFlow::ScreensBreaches), so
// password-setting routes start on the remote lane.
http::RouteClasses RouteClassesFrom(const config::Config& config, bool screens_breaches);

}  // namespace gh::app
