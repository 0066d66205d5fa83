// The SMS providers' view of net::HttpClient: one POST with a hard timeout,
// the status and body back, and cannot-send-sms when no answer comes; plus the
// helpers their error messages share.
//
// Thread-safe (each call has its own curl handle).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "net/http_client.h"

namespace gh::notify::sms_http {

struct Request {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string basic_user;  // with basic_password: HTTP basic auth when non-empty
  std::string basic_password;
  int timeout_seconds = 10;
};

struct Response {
  long status = 0;
  std::string body;
};

// Sends the POST. Errors: cannot-send-sms when the server cannot be reached or
// does not answer in time (the curl error is in the message, for the log).
core::Result<Response> Post(const Request& request);

// application/x-www-form-urlencoded body from name/value pairs.
using net::FormEncode;

// `base` without a trailing slash.
std::string TrimSlash(std::string base);

// "HTTP <status>" followed by each entry of a JSON body's `errors` array as
// ": <entry[message_field]> (code <entry.code>)" (MessageBird and TextLocal
// both answer failures this way, naming the text field differently).
std::string ErrorsDetail(int status, const std::string& body, const char* message_field);

// Logs the provider's failure and returns Error{cannot-send-sms}.
core::Error Fail(std::string_view provider, const std::string& detail);

}  // namespace gh::notify::sms_http
