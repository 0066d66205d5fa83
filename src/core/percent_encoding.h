// core::PercentEncode: RFC 3986 percent-encoding for query values, form bodies
// and URI labels, written once for every layer that builds a URL.
//
// Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gh::core {

// `s` with every byte outside RFC 3986's unreserved set (ALPHA DIGIT - . _ ~)
// and outside `also_unreserved` written as %XX (upper-case hex). A space is
// %20, which query strings and form bodies both accept.
std::string PercentEncode(std::string_view s, std::string_view also_unreserved = {});

}  // namespace gh::core
