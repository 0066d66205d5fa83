// UnsafeSettings: the settings fine on a laptop and dangerous anywhere else
// (declared in config/settings.h). Apart from the table so that the table's
// file stays about loading and documenting settings.
#include <algorithm>
#include <string>
#include <vector>

#include "config/settings.h"

namespace gh::config {

std::vector<std::string> UnsafeSettings(const Config& c) {
  std::vector<std::string> out;
  if (std::find(c.cors_allowed_origins.begin(), c.cors_allowed_origins.end(), "*") !=
      c.cors_allowed_origins.end())
    out.push_back(
        "cors_allowed_origins = \"*\" answers every web site's origin with credentials "
        "allowed, so any page a user visits can call Gatehouse as that user; list the app's "
        "origins instead");
  // Loopback means a TLS front on this machine (or a laptop); anything else
  // (0.0.0.0, a LAN address, a name) is reachable by others, in clear text.
  auto loopback = [](const std::string& h) {
    return h == "localhost" || h == "::1" || h == "[::1]" || h.rfind("127.", 0) == 0;
  };
  if (!loopback(c.host) && c.public_url.rfind("http://", 0) == 0)
    out.push_back("host = \"" + c.host + "\" listens beyond this machine while public_url (" +
                  c.public_url +
                  ") is plain http, so passwords and tokens cross the network unencrypted; "
                  "put TLS in front (an https:// public_url) or listen on 127.0.0.1");
  if (c.smtp_host.empty())
    out.push_back(
        "smtp_host is empty: the development mailer writes every mail, sign-in links and "
        "codes included, to the log instead of sending it; set smtp_host");
  if (c.sms_provider == "log")
    out.push_back(
        "sms_provider = \"log\" writes every SMS code to the log instead of sending it; "
        "configure a real provider");
  return out;
}

}  // namespace gh::config
