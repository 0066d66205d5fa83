// The parsed user agent of a session as both dialects render it: Agnost's
// `userAgent` object ({ua, browser {name, version, major}, engine, os,
// device {model, type, vendor}, cpu {architecture}}). The native sessions
// list and the GoTrue admin API's sessions extension share it.
//
// A plain function; thread-safe.
#pragma once

#include "api/common/json_body.h"
#include "useragent/parser.h"

namespace gh::api {

Json UserAgentJson(const useragent::ParsedUserAgent& agent);

}  // namespace gh::api
