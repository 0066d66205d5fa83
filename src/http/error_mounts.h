// http::ErrorMounts: which dialect renders the errors the server raises itself.
//
// The pipeline answers some requests before any handler runs (404, 405, 413,
// 431, 400 for a malformed request or path, 429, 503, 500). Those answers must
// look like the rest of the API the client is talking to, and each dialect has
// its own status table and body shape. So the server keeps a table of mounts,
// path prefix -> renderer, and renders such an error with the renderer of the
// longest prefix the request's path lies under; a path under no mount (or a
// request too broken to have a path) gets the default renderer.
//
// The http layer only picks the renderer: which status and body a code gets is
// the dialect's business (for the native dialect, api/nhost/errors.h).
//
// Filled before the server starts, read-only afterwards: For() and Render()
// are then safe from any thread. Copyable (it is a small table of functions).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace gh::http {

// Renders `error` as a complete response (status, body, content type). Called
// from io and pool threads at once: it must be safe to call concurrently.
using ErrorRenderer = std::function<Response(const Request&, const core::Error&)>;

class ErrorMounts {
 public:
  // The renderer for paths under no mount. Server::Listen refuses options
  // without one.
  void SetDefault(ErrorRenderer renderer);
  bool has_default() const { return static_cast<bool>(default_); }

  // Renders the errors of `prefix` (e.g. "/v1") and of every path below it
  // ("/v1/user"), not of paths that merely start with the same characters
  // ("/v10"). A trailing '/' is ignored; "/" mounts everything. Mounting a
  // prefix again replaces its renderer.
  void Mount(std::string prefix, ErrorRenderer renderer);

  // The renderer for `path`: the longest mounted prefix it lies under, else
  // the default. REQUIRES: has_default().
  const ErrorRenderer& For(std::string_view path) const;

  // For(request.path)(request, error).
  Response Render(const Request& request, const core::Error& error) const;

 private:
  ErrorRenderer default_;
  std::vector<std::pair<std::string, ErrorRenderer>> mounts_;  // prefixes without trailing '/'
};

}  // namespace gh::http
