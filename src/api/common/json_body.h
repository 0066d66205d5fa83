// Reading request bodies as JSON, shared by both dialects: one place decides what
// a well-formed body is (valid UTF-8, a JSON object, bounded nesting) and how a
// field of the wrong type is reported. Parse failures become
// Error{invalid-request} with a message naming the field; they never reach a flow.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace gh::api {

using Json = nlohmann::json;

// Parses `body` as a JSON object. An empty body is treated as {} when
// `empty_ok`. Errors: invalid-request ("Request body is not valid JSON", ...).
core::Result<Json> ParseJsonObject(std::string_view body, bool empty_ok = false);

// Field readers. Absent and null fields give nullopt (or an error when
// required); a present field of the wrong type is an error naming it.
core::Result<std::optional<std::string>> OptString(const Json& obj, const char* name);
core::Result<std::string> ReqString(const Json& obj, const char* name);
core::Result<std::optional<bool>> OptBool(const Json& obj, const char* name);
core::Result<std::optional<std::vector<std::string>>> OptStringArray(const Json& obj,
                                                                     const char* name);
// A JSON object field, returned as compact text.
core::Result<std::optional<std::string>> OptObjectText(const Json& obj, const char* name);

}  // namespace gh::api
