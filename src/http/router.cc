// Router: a flat table of (method, pattern) routes matched segment by segment.
//
// The table is small (tens of routes) and read-only once serving starts, so a
// linear scan beats any tree in simplicity and is fast enough; no locks needed.

#include <algorithm>
#include <utility>

#include "http/server.h"

namespace gh::http {

namespace {

// Splits "/a/b/" into {"a", "b"}. Empty segments are dropped, so a trailing
// slash or a doubled one does not change which route matches.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) out.push_back(seg);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

bool SegmentsMatch(const std::vector<std::string>& pattern,
                   const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!IsParam(pattern[i]) && pattern[i] != path[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: at the first segment where one has a
// literal and the other a parameter, the literal wins. This lets
// "/signin/provider/callback" beat "/signin/provider/{provider}" regardless of
// the order the routes were added in.
bool MoreSpecific(const Router::Route& a, const Router::Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    bool pa = IsParam(a.segments[i]);
    bool pb = IsParam(b.segments[i]);
    if (pa != pb) return !pa;
  }
  // Same shape: a route that names a query parameter beats one that does not.
  return a.when && !b.when;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  Route route;
  for (std::string_view seg : SplitPath(pattern)) route.segments.emplace_back(seg);
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = options;
  routes_.push_back(std::move(route));
}

void Router::AddWhen(std::string method, std::string pattern, std::string label, RequestTest when,
                     Handler handler, RouteOptions options) {
  Add(std::move(method), std::move(pattern), std::move(handler), std::move(options));
  routes_.back().when = std::move(when);
  routes_.back().when_label = std::move(label);
}

void Router::AddWhenQuery(std::string method, std::string pattern, const std::string& name,
                          const std::string& value, Handler handler, RouteOptions options) {
  AddWhen(
      std::move(method), std::move(pattern), name + "=" + value,
      [name, value](const Request& r) { return r.QueryParam(name) == value; }, std::move(handler),
      std::move(options));
}

Router::MatchStatus Router::Match(Request& request, const Route** route) const {
  const std::vector<std::string_view> path = SplitPath(request.path);
  const Route* best = nullptr;
  bool path_known = false;
  for (const Route& r : routes_) {
    if (!SegmentsMatch(r.segments, path)) continue;
    path_known = true;
    if (r.method != request.method) continue;
    if (r.when && !r.when(request)) continue;
    if (best == nullptr || MoreSpecific(r, *best)) best = &r;
  }
  if (best == nullptr) {
    return path_known ? MatchStatus::kMethodNotAllowed : MatchStatus::kNotFound;
  }
  request.path_params.clear();
  for (size_t i = 0; i < best->segments.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (IsParam(seg)) request.path_params.emplace_back(seg.substr(1, seg.size() - 2), path[i]);
  }
  *route = best;
  return MatchStatus::kFound;
}

std::vector<std::string> Router::MethodsFor(std::string_view path) const {
  const std::vector<std::string_view> segments = SplitPath(path);
  std::vector<std::string> methods;
  for (const Route& r : routes_) {
    if (!SegmentsMatch(r.segments, segments)) continue;
    if (std::find(methods.begin(), methods.end(), r.method) == methods.end()) {
      methods.push_back(r.method);
    }
  }
  return methods;
}

}  // namespace gh::http
