// PUT /user (supabase-js updateUser): the signed-in user changes their own
// account, each member of the body through its flow, in GoTrue's order:
// - data: merged into user_metadata (a null member removes that key);
// - password (with nonce when reauthentication is due): PasswordResetFlow's
//   signed-in change, refusing the current password (same_password);
// - email: an email change (the link and code go to the new address; the
//   email changes once it is verified); for an anonymous user the address (and
//   the password, when given with it) makes the account permanent once the
//   mailed verification is spent (AnonymousFlow::Deanonymize);
// - phone (with channel): a code to the new number; POST /verify type
//   phone_change then moves the user to it.
// The answer is the user as it is afterwards.
#include "api/common/request_lanes.h"
#include "api/gotrue/endpoints.h"
#include "api/gotrue/render.h"
#include "core/text.h"

namespace gh::api::gotrue {
namespace {

// Which member's flow an error came from, for GoTrue's per-member codes.
enum class Member { kNone, kEmail, kPhone };

struct Update {
  std::optional<std::string> email;
  std::optional<std::string> password;
  std::optional<std::string> nonce;
  std::optional<std::string> data;
  std::optional<std::string> phone;
  notify::SmsChannel channel = notify::SmsChannel::kSms;
};

core::Result<Update> Parse(const Json& body) {
  Update u;
  auto email = OptString(body, "email");
  if (!email) return email.error();
  auto password = OptString(body, "password");
  if (!password) return password.error();
  auto nonce = OptString(body, "nonce");
  if (!nonce) return nonce.error();
  auto data = OptObjectText(body, "data");
  if (!data) return data.error();
  auto phone = OptString(body, "phone");
  if (!phone) return phone.error();
  auto channel = ParseChannel(body);
  if (!channel) return channel.error();
  u.email = std::move(*email);
  u.password = std::move(*password);
  u.nonce = std::move(*nonce);
  u.data = std::move(*data);
  u.phone = std::move(*phone);
  u.channel = *channel;
  return u;
}

bool Differs(const std::optional<std::string>& wanted, const std::optional<std::string>& current) {
  if (!wanted || wanted->empty()) return false;
  auto normalized = core::NormalizeEmail(*wanted);
  return !current || !normalized || *normalized != *current;
}

core::Result<Json> Run(const Deps& deps, const http::Request& request, Member* failed) {
  auth::AccessClaims claims;
  auto user = AuthenticatedUser(deps, request, &claims);
  if (!user) return user.error();
  auto body = ParseJsonObject(request.body);
  if (!body) return body.error();
  auto u = Parse(*body);
  if (!u) return u.error();
  const std::optional<std::string> redirect = RedirectParam(request, *body);

  if (u->data) {
    auto merged = deps.accounts.MergeMetadata(user->id, *u->data);
    if (!merged) return merged.error();
    *user = std::move(*merged);
  }
  const bool new_email = Differs(u->email, user->email);
  if (user->is_anonymous && new_email) {
    *failed = Member::kEmail;
    auth::DeanonymizeRequest req;
    req.user_id = user->id;
    req.session_id = claims.session_id;
    req.sign_in_method = "email";
    req.email = *u->email;
    if (u->password && !u->password->empty()) req.password = *u->password;
    req.options.redirect_to = redirect;
    req.links = &deps.links;
    if (auto r = deps.anonymous.Deanonymize(req); !r) return r.error();
  } else {
    if (u->password) {
      auth::PasswordChange change{user->id, claims.session_id, *u->password, u->nonce,
                                  /*refuse_same=*/true};
      if (auto r = deps.reset.Change(change); !r) return r.error();
    }
    if (new_email) {
      *failed = Member::kEmail;
      if (auto r = deps.email_change.Request(user->id, *u->email, redirect, deps.links); !r)
        return r.error();
    }
  }
  if (u->phone && !u->phone->empty() && *u->phone != user->phone_number.value_or("")) {
    *failed = Member::kPhone;
    if (!deps.sms) return core::Error(core::errc::kDisabledEndpoint, "Phone logins are disabled");
    if (auto r = deps.sms->RequestPhoneChange({user->id, std::move(*u->phone), u->channel}); !r)
      return r.error();
  }
  auto fresh = deps.accounts.Get(user->id);
  if (!fresh) return fresh.error();
  return DescribeUser(deps, std::move(*fresh));
}

Problem UpdateProblem(const core::Error& error, Member member) {
  if (member == Member::kPhone) return PhoneProblem(error);
  Problem p = member == Member::kEmail ? EmailProblem(error) : Translate(error);
  if (error.Is(core::errc::kEmailAlreadyInUse)) {
    p.error_code = "email_exists";
    p.message = "A user with this email address has already been registered";
  }
  return p;
}

}  // namespace

bool IsPasswordUpdate(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  return body.is_object() && body.contains("password") && !body["password"].is_null();
}

bool IsEmailUpdate(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto email = body.is_object() ? body.find("email") : body.end();
  return body.is_object() && email != body.end() && email->is_string() &&
         !email->get_ref<const std::string&>().empty();
}

bool IsPhoneUpdate(const http::Request& request) {
  Json body = Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  auto phone = body.is_object() ? body.find("phone") : body.end();
  return body.is_object() && phone != body.end() && phone->is_string() &&
         !phone->get_ref<const std::string&>().empty();
}

http::Handler UpdateUser(const Deps& deps) {
  return [&deps](http::Request& request, http::Responder respond) {
    auto answer = [&deps](const http::Request& r) {
      Member member = Member::kNone;
      auto out = Run(deps, r, &member);
      return out ? Ok(*out) : Render(r, UpdateProblem(out.error(), member));
    };
    if (!IsPasswordUpdate(request)) return respond(answer(request));
    // A new password: the breach check, then the hash lane (sets_password).
    api::SetsPassword(deps.password, request, std::move(respond), "password", answer,
                      [&request](const core::Error& e) { return ErrorResponse(request, e); });
  };
}

}  // namespace gh::api::gotrue
