#include "auth/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace gh::auth {

core::Result<std::string> NormalizePhone(std::string_view input,
                                         const std::string& default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  auto invalid = [] { return core::Error(core::errc::kInvalidRequest, "Invalid phone number"); };
  // Bound the work on untrusted text; real numbers, however formatted, are short.
  if (input.empty() || input.size() > 64) return invalid();
  for (char c : input)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return invalid();
  std::string region = default_region.empty() ? "ZZ" : default_region;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string(input), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return invalid();
  if (!util->IsValidNumber(number)) return invalid();
  std::string e164;
  util->Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace gh::auth
