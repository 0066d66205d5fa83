#include "api/common/json_body.h"

#include "core/text.h"

namespace gh::api {
namespace {

constexpr int kMaxDepth = 32;

core::Error Invalid(std::string message) {
  return core::Error(core::errc::kInvalidRequest, std::move(message));
}

core::Error WrongType(const char* name, const char* type) {
  return Invalid(std::string("\"") + name + "\" must be " + type);
}

}  // namespace

core::Result<Json> ParseJsonObject(std::string_view body, bool empty_ok) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    if (empty_ok) return Json::object();
    return Invalid("Request body must be a JSON object");
  }
  if (!core::IsValidUtf8(body)) return Invalid("Request body is not valid UTF-8");
  // Bound nesting before building the tree so a deeply nested body cannot
  // exhaust the stack.
  int depth = 0;
  auto cb = [&depth](int /*d*/, Json::parse_event_t event, Json& /*parsed*/) {
    if (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) {
      if (++depth > kMaxDepth) throw std::out_of_range("nesting");
    } else if (event == Json::parse_event_t::object_end ||
               event == Json::parse_event_t::array_end) {
      --depth;
    }
    return true;
  };
  Json parsed;
  try {
    parsed = Json::parse(body.begin(), body.end(), cb);
  } catch (const Json::exception&) {
    return Invalid("Request body is not valid JSON");
  } catch (const std::out_of_range&) {
    return Invalid("Request body is nested too deeply");
  }
  if (!parsed.is_object()) return Invalid("Request body must be a JSON object");
  return parsed;
}

core::Result<std::optional<std::string>> OptString(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return WrongType(name, "a string");
  return std::optional<std::string>(it->get<std::string>());
}

core::Result<std::string> ReqString(const Json& obj, const char* name) {
  auto v = OptString(obj, name);
  if (!v) return v.error();
  if (!v->has_value()) return Invalid(std::string("\"") + name + "\" is required");
  return std::move(**v);
}

core::Result<std::optional<bool>> OptBool(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return WrongType(name, "true or false");
  return std::optional<bool>(it->get<bool>());
}

core::Result<std::optional<std::vector<std::string>>> OptStringArray(const Json& obj,
                                                                     const char* name) {
  using Out = std::optional<std::vector<std::string>>;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return Out();
  if (!it->is_array()) return WrongType(name, "an array of strings");
  std::vector<std::string> out;
  for (const auto& el : *it) {
    if (!el.is_string()) return WrongType(name, "an array of strings");
    out.push_back(el.get<std::string>());
  }
  return Out(std::move(out));
}

core::Result<std::optional<std::string>> OptObjectText(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_object()) return WrongType(name, "an object");
  return std::optional<std::string>(it->dump());
}

}  // namespace gh::api
