// The oauth_requests and oauth_grants row codecs (see oauth_state.h).

#include "store/codec/oauth_state.h"

namespace gh::store::codec {

void BindOAuthRequest(ParamSink& p, const OAuthRequest& r) {
  p.Text(r.state_hash);
  p.Text(r.provider);
  p.Text(r.code_verifier);
  p.Text(r.nonce);
  p.Text(r.redirect_to);
  p.Text(r.options_json);
  p.OptText(r.connect_user_id);
  p.Time(r.created_at);
  p.Time(r.expires_at);
}

OAuthRequest ReadOAuthRequest(RowReader& row) {
  OAuthRequest r;
  r.state_hash = row.Text();
  r.provider = row.Text();
  r.code_verifier = row.Text();
  r.nonce = row.Text();
  r.redirect_to = row.Text();
  r.options_json = row.Text();
  r.connect_user_id = row.OptText();
  r.created_at = row.Time();
  r.expires_at = row.Time();
  return r;
}

void BindOAuthGrant(ParamSink& p, const OAuthGrant& g) {
  p.Text(g.code_hash);
  p.Text(g.user_id);
  p.Text(g.amr);
  p.Text(g.provider);
  p.Time(g.created_at);
  p.Time(g.expires_at);
  p.Text(g.code_challenge);
  p.Text(g.code_challenge_method);
}

OAuthGrant ReadOAuthGrant(RowReader& row) {
  OAuthGrant g;
  g.code_hash = row.Text();
  g.user_id = row.Text();
  g.amr = row.Text();
  g.provider = row.Text();
  g.created_at = row.Time();
  g.expires_at = row.Time();
  g.code_challenge = row.Text();
  g.code_challenge_method = row.Text();
  return g;
}

}  // namespace gh::store::codec
