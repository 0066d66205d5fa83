#include "http/error_mounts.h"

#include <cassert>

namespace gh::http {

namespace {

std::string WithoutTrailingSlash(std::string prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

// `path` is `prefix` itself or a path below it. The empty prefix ("/" as
// mounted) holds every path.
bool Under(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

void ErrorMounts::SetDefault(ErrorRenderer renderer) { default_ = std::move(renderer); }

void ErrorMounts::Mount(std::string prefix, ErrorRenderer renderer) {
  prefix = WithoutTrailingSlash(std::move(prefix));
  for (auto& [mounted, r] : mounts_) {
    if (mounted == prefix) {
      r = std::move(renderer);
      return;
    }
  }
  mounts_.emplace_back(std::move(prefix), std::move(renderer));
}

const ErrorRenderer& ErrorMounts::For(std::string_view path) const {
  assert(has_default());
  const ErrorRenderer* best = &default_;
  size_t best_length = 0;
  bool found = false;
  for (const auto& [prefix, renderer] : mounts_) {
    if (!Under(path, prefix)) continue;
    if (!found || prefix.size() > best_length) {
      best = &renderer;
      best_length = prefix.size();
      found = true;
    }
  }
  return *best;
}

Response ErrorMounts::Render(const Request& request, const core::Error& error) const {
  return For(request.path)(request, error);
}

}  // namespace gh::http
