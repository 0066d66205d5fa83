// PUT /user (supabase-js updateUser): a new phone number gets a code by SMS or
// WhatsApp; POST /verify with type phone_change then moves the user to it.
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"

namespace gh::api::gotrue {
namespace {

core::Result<Json> Run(const Deps& deps, const http::Request& request) {
  auto user = AuthenticatedUser(deps, request);
  if (!user) return user.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  for (const char* other : {"email", "password", "data", "nonce"}) {
    if (body->contains(other))
      return core::Error(core::errc::kInvalidRequest,
                         std::string("Updating ") + other + " is not served here yet");
  }
  auto phone = OptString(*body, "phone");
  if (!phone) return phone.error();
  auto channel = ParseChannel(*body);
  if (!channel) return channel.error();
  if (phone->has_value() && !(*phone)->empty() && **phone != user->phone_number.value_or("")) {
    if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
    auto sent = deps.sms->RequestPhoneChange({user->id, std::move(**phone), *channel});
    if (!sent) return sent.error();
    auto fresh = deps.accounts.Get(user->id);
    if (!fresh) return fresh.error();
    return DescribeUser(deps, std::move(*fresh));
  }
  return DescribeUser(deps, std::move(*user));
}

}  // namespace

http::Handler UpdateUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto out = Run(deps, request);
    respond(out ? Ok(*out) : Render(request, PhoneProblem(out.error())));
  };
}

}  // namespace gh::api::gotrue
