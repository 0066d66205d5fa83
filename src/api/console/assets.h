// The operators' console's static files (console/ in the source tree), embedded
// at build time by scripts/assets-to-cc.py. Immutable data: thread-safe.
#pragma once

#include <string_view>

namespace gh::api::console {

// The bytes of console/<name> ("index.html", "console.js", "console.css"), or
// an empty view for any other name.
std::string_view ConsoleAsset(std::string_view name);

}  // namespace gh::api::console
