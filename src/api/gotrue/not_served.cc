// What GoTrue serves and Gatehouse does not (SAML single sign-on, Web3 wallets):
// answered as a GoTrue instance with the feature switched off answers, so a
// client's error handling meets what it already knows.
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {

http::Handler SamlDisabled(const Deps&) {
  return [](http::Request& request, http::Responder respond) {
    respond(Render(request, Problem{404, "saml_provider_disabled", "SAML 2.0 is disabled"}));
  };
}

http::Handler Web3Disabled(const Deps&) {
  return [](http::Request& request, http::Responder respond) {
    respond(Render(request, Problem{422, "web3_provider_disabled", "Web3 provider is disabled"}));
  };
}

}  // namespace gh::api::gotrue
