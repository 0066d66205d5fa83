// Phone numbers: parsing and normalisation to E.164 with libphonenumber.
// Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace gh::auth {

// "+1 (415) 555-2671" -> "+14155552671". A number without a leading "+" is read
// in `default_region` (two-letter country, e.g. "GB"); with an empty region it
// must start with "+". Errors: invalid-request ("Invalid phone number") when the
// text is not a valid, dialable number of a known country.
core::Result<std::string> NormalizePhone(std::string_view input,
                                         const std::string& default_region = {});

}  // namespace gh::auth
