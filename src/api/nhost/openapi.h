// The native dialect's contract, openapi/native.yaml, as JSON. The build generates
// the definition from the YAML (scripts/openapi-to-cc.py, see CMakeLists.txt), so
// GET /v1/openapi.json serves the very document the end-to-end tests check, and the
// binary reads no file for it. Thread-safe: the text is immutable.
#pragma once

#include <string_view>

namespace gh::api::nhost {

// The whole document as compact JSON; valid for the life of the process.
std::string_view NativeOpenApiJson();

}  // namespace gh::api::nhost
