// Fuzzes what every endpoint does first with untrusted bytes: parse the body as a
// JSON object, read typed fields out of it, and normalise an email. Aborts if a
// parse that claims success yields something other than an object, or if email
// normalisation is not idempotent.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/common/json_body.h"
#include "core/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)gh::core::IsValidUtf8(body);
  if (auto email = gh::core::NormalizeEmail(body)) {
    auto again = gh::core::NormalizeEmail(*email);
    if (!again || *again != *email) std::abort();
  }
  auto parsed = gh::api::ParseJsonObject(body, /*empty_ok=*/true);
  if (!parsed) return 0;
  if (!parsed->is_object()) std::abort();
  const gh::api::Json& obj = *parsed;
  for (const char* field : {"email", "password", "refreshToken", "token", "options"}) {
    (void)gh::api::OptString(obj, field);
    (void)gh::api::OptBool(obj, field);
    (void)gh::api::OptStringArray(obj, field);
    (void)gh::api::OptObjectText(obj, field);
  }
  return 0;
}
