// Second factors under /auth/v1 through supabase-js (mfa.enroll, challenge, verify,
// challengeAndVerify, listFactors, getAuthenticatorAssuranceLevel, unenroll) and raw HTTP
// against openapi/gotrue.yaml: the SVG QR code, the aal1 -> aal2 step-up with a new
// session, GoTrue's error codes for wrong codes, unknown and malformed ids and replayed
// challenges, and a factor shared with the native dialect's TOTP switch.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_VERSION, expectGoTrue, expectGoTrueError, supabaseFor } from './lib/gotrue.js';
import { useServer } from './lib/server.js';
import { Authenticator } from './lib/totp.js';
import { bearer, jwtClaims, PASSWORD, uniqueEmail, UUID_RE } from './lib/util.js';

const srv = useServer({ GATEHOUSE_REFRESH_TOKEN_REUSE_GRACE_SECONDS: '0' }, { name: 'gotrue-mfa' });

const gt = (method, p, body, token) =>
  srv.api(method, `/auth/v1${p}`, body, { ...API_VERSION, ...(token ? bearer(token) : {}) });

async function signedUp() {
  const email = uniqueEmail('gtmfa');
  const supabase = supabaseFor(srv);
  const { data, error } = await supabase.auth.signUp({ email, password: PASSWORD });
  assert.equal(error, null, error?.message);
  assert.ok(data.session);
  return { supabase, email, user: data.user };
}

/** A signed-up user with a verified TOTP factor, enrolled through supabase-js. */
async function enrolled() {
  const u = await signedUp();
  const { data, error } = await u.supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'phone app', issuer: 'Acme' });
  assert.equal(error, null, error?.message);
  const auth = new Authenticator(data.totp.secret);
  const done = await u.supabase.auth.mfa.challengeAndVerify({ factorId: data.id, code: await auth.fresh() });
  assert.equal(done.error, null, done.error?.message);
  return { ...u, factorId: data.id, auth, enrolment: data };
}

describe('GoTrue second factors through supabase-js', () => {
  test('enroll answers an SVG QR code, the secret and the otpauth URI', async () => {
    const { supabase } = await signedUp();
    const { data, error } = await supabase.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'laptop', issuer: 'Acme' });
    assert.equal(error, null, error?.message);
    assert.match(data.id, UUID_RE);
    assert.equal(data.type, 'totp');
    assert.equal(data.friendly_name, 'laptop');
    // supabase-js turns the raw SVG into a data URL.
    assert.match(data.totp.qr_code, /^data:image\/svg\+xml;utf-8,<svg [^>]*viewBox="0 0 \d+ \d+"/);
    assert.match(data.totp.qr_code, /<path fill="#000000" d="M\d+ \d+h\d+v\d+h-\d+z/);
    assert.match(data.totp.secret, /^[A-Z2-7]{32}$/);
    assert.match(data.totp.uri, /^otpauth:\/\/totp\/Acme:/);
    assert.ok(data.totp.uri.includes(`secret=${data.totp.secret}`));
    // Unverified until its first code: listed by GET /user, not among the verified ones.
    const list = await supabase.auth.mfa.listFactors();
    assert.equal(list.error, null);
    assert.deepEqual(list.data.all.map((f) => [f.id, f.status]), [[data.id, 'unverified']]);
    assert.deepEqual(list.data.totp, []);
  });

  test('challengeAndVerify steps the session up to aal2 with a new session and amr totp', async () => {
    const { supabase } = await signedUp();
    const before = (await supabase.auth.getSession()).data.session;
    const { data: f } = await supabase.auth.mfa.enroll({ factorType: 'totp' });
    const aal1 = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
    assert.deepEqual([aal1.data.currentLevel, aal1.data.nextLevel], ['aal1', 'aal1']);
    const auth = new Authenticator(f.totp.secret);
    const { data, error } = await supabase.auth.mfa.challengeAndVerify({ factorId: f.id, code: await auth.fresh() });
    assert.equal(error, null, error?.message);
    const claims = jwtClaims(data.access_token);
    assert.equal(claims.aal, 'aal2');
    assert.equal(claims.session_id, jwtClaims(before.access_token).session_id, 'the same session');
    assert.deepEqual(claims.amr.map((a) => a.method), ['password', 'totp']);
    for (const a of claims.amr) assert.equal(typeof a.timestamp, 'number');
    assert.notEqual(data.refresh_token, before.refresh_token, 'a new refresh token');
    // The client stored the new session, and its level is read from it.
    const now = (await supabase.auth.getSession()).data.session;
    assert.equal(now.access_token, data.access_token);
    assert.equal(now.refresh_token, data.refresh_token);
    const aal2 = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
    assert.deepEqual([aal2.data.currentLevel, aal2.data.nextLevel], ['aal2', 'aal2']);
    assert.deepEqual(aal2.data.currentAuthenticationMethods.map((a) => a.method), ['password', 'totp']);
    const list = await supabase.auth.mfa.listFactors();
    assert.deepEqual(list.data.totp.map((x) => [x.id, x.status]), [[f.id, 'verified']]);
    // The new refresh token keeps aal2; the aal1 one is no longer current.
    const refreshed = await supabase.auth.refreshSession();
    assert.equal(refreshed.error, null, refreshed.error?.message);
    assert.equal(jwtClaims(refreshed.data.session.access_token).aal, 'aal2');
    const stale = await gt('POST', '/token?grant_type=refresh_token', { refresh_token: before.refresh_token });
    assert.ok(stale.status === 400, stale.text);
  });

  test('a password sign-in of a user with a factor is aal1 with aal2 next; challenge + verify step up', async () => {
    const { email, factorId, auth } = await enrolled();
    const supabase = supabaseFor(srv);
    const signIn = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(signIn.error, null, signIn.error?.message);
    assert.equal(jwtClaims(signIn.data.session.access_token).aal, 'aal1');
    assert.deepEqual(signIn.data.user.factors.map((f) => [f.id, f.status]), [[factorId, 'verified']]);
    const level = await supabase.auth.mfa.getAuthenticatorAssuranceLevel();
    assert.deepEqual([level.data.currentLevel, level.data.nextLevel], ['aal1', 'aal2']);

    const ch = await supabase.auth.mfa.challenge({ factorId });
    assert.equal(ch.error, null, ch.error?.message);
    assert.match(ch.data.id, UUID_RE);
    assert.equal(ch.data.type, 'totp');
    assert.ok(ch.data.expires_at > Date.now() / 1000);
    const wrong = await supabase.auth.mfa.verify({ factorId, challengeId: ch.data.id, code: '000000' });
    assert.equal(wrong.error.code, 'mfa_verification_failed');
    assert.equal(wrong.error.status, 422);
    assert.equal(wrong.error.message, 'Invalid TOTP code entered');
    const ok = await supabase.auth.mfa.verify({ factorId, challengeId: ch.data.id, code: await auth.fresh() });
    assert.equal(ok.error, null, ok.error?.message);
    assert.equal(jwtClaims(ok.data.access_token).aal, 'aal2');
    // A used challenge is not found again.
    const replay = await supabase.auth.mfa.verify({ factorId, challengeId: ch.data.id, code: auth.last() });
    assert.equal(replay.error.code, 'mfa_factor_not_found');
  });

  test('unenroll needs aal2 once the factor is verified', async () => {
    const { email, factorId, supabase: enrolling } = await enrolled();
    const aal1 = supabaseFor(srv);
    await aal1.auth.signInWithPassword({ email, password: PASSWORD });
    const refused = await aal1.auth.mfa.unenroll({ factorId });
    assert.equal(refused.error.code, 'insufficient_aal');
    const more = await aal1.auth.mfa.enroll({ factorType: 'totp', friendlyName: 'second' });
    assert.equal(more.error.code, 'insufficient_aal');
    assert.equal(more.error.status, 403);
    // The enrolling client is at aal2.
    const done = await enrolling.auth.mfa.unenroll({ factorId });
    assert.equal(done.error, null, done.error?.message);
    assert.equal(done.data.id, factorId);
    const list = await enrolling.auth.mfa.listFactors();
    assert.deepEqual(list.data.all, []);
  });
});

describe('GoTrue second factors over raw HTTP', () => {
  test('shapes and GoTrue codes: bad input, unknown and malformed ids, name conflicts', async () => {
    const { supabase } = await signedUp();
    const token = (await supabase.auth.getSession()).data.session.access_token;
    const res = await gt('POST', '/factors', { factor_type: 'totp', friendly_name: 'one' }, token);
    const f = expectGoTrue(res, 'POST', '/factors');
    assert.ok(f.totp.qr_code.startsWith('<svg '));
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 'totp', friendly_name: 'one' }, token), 'POST', '/factors', 422, 'mfa_factor_name_conflict');
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 'phone', phone: '+15550001111' }, token), 'POST', '/factors', 422, 'mfa_phone_enroll_not_enabled');
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 'webauthn', friendly_name: 'key' }, token), 'POST', '/factors', 422, 'mfa_webauthn_enroll_not_enabled');
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 'sms' }, token), 'POST', '/factors', 400, 'validation_failed');
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 7 }, token), 'POST', '/factors', 400, 'validation_failed');
    expectGoTrueError(await gt('POST', '/factors', '{not json', token), 'POST', '/factors', 400, 'validation_failed');
    expectGoTrueError(await gt('POST', '/factors', { factor_type: 'totp' }), 'POST', '/factors', 401, 'no_authorization');

    const unknown = '00000000-0000-4000-8000-000000000000';
    expectGoTrueError(await gt('POST', `/factors/${unknown}/challenge`, {}, token), 'POST', '/factors/{factorId}/challenge', 404, 'mfa_factor_not_found');
    expectGoTrueError(await gt('POST', '/factors/not-a-uuid/challenge', {}, token), 'POST', '/factors/{factorId}/challenge', 404, 'validation_failed');
    expectGoTrueError(await gt('DELETE', `/factors/${unknown}`, undefined, token), 'DELETE', '/factors/{factorId}', 404, 'mfa_factor_not_found');
    expectGoTrueError(await gt('DELETE', "/factors/'%20or%201=1", undefined, token), 'DELETE', '/factors/{factorId}', 404, 'validation_failed');

    const ch = expectGoTrue(await gt('POST', `/factors/${f.id}/challenge`, undefined, token), 'POST', '/factors/{factorId}/challenge');
    const verify = (body) => gt('POST', `/factors/${f.id}/verify`, body, token);
    expectGoTrueError(await verify({ challenge_id: ch.id, code: '' }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    expectGoTrueError(await verify({ challenge_id: 'zzz', code: '123456' }), 'POST', '/factors/{factorId}/verify', 400, 'bad_json');
    expectGoTrueError(await verify({ challenge_id: unknown, code: '123456' }), 'POST', '/factors/{factorId}/verify', 422, 'mfa_factor_not_found');
    expectGoTrueError(await verify({ challenge_id: ch.id, code: 123456 }), 'POST', '/factors/{factorId}/verify', 400, 'validation_failed');
    const auth = new Authenticator(f.totp.secret);
    const session = expectGoTrue(await verify({ challenge_id: ch.id, code: await auth.fresh() }), 'POST', '/factors/{factorId}/verify');
    assert.equal(jwtClaims(session.access_token).aal, 'aal2');
    assert.deepEqual(session.user.factors.map((x) => x.status), ['verified']);
    // Replayed challenge, and the old (aal1) access token's session is the same one: the
    // challenge is spent either way.
    expectGoTrueError(await gt('POST', `/factors/${f.id}/verify`, { challenge_id: ch.id, code: auth.last() }, session.access_token), 'POST', '/factors/{factorId}/verify', 422, 'mfa_factor_not_found');
    const del = expectGoTrue(await gt('DELETE', `/factors/${f.id}`, undefined, session.access_token), 'DELETE', '/factors/{factorId}');
    assert.deepEqual(del, { id: f.id });
  });
});

describe('one factor, two dialects', () => {
  test('a TOTP factor turned on natively steps up under /auth/v1', async () => {
    const email = uniqueEmail('native-mfa');
    const up = await srv.api('POST', '/v1/signup/email-password', { email, password: PASSWORD });
    assert.equal(up.status, 200, up.text);
    const native = bearer(up.json.session.accessToken);
    const gen = await srv.api('GET', '/v1/mfa/totp/generate', undefined, native);
    assert.equal(gen.status, 200, gen.text);
    const auth = new Authenticator(gen.json.totpSecret);
    const on = await srv.api('POST', '/v1/user/mfa', { code: await auth.fresh(), activeMfaType: 'totp' }, native);
    assert.equal(on.status, 200, on.text);

    const supabase = supabaseFor(srv);
    const signIn = await supabase.auth.signInWithPassword({ email, password: PASSWORD });
    assert.equal(signIn.error, null, signIn.error?.message);
    const factors = await supabase.auth.mfa.listFactors();
    assert.equal(factors.data.totp.length, 1);
    const done = await supabase.auth.mfa.challengeAndVerify({ factorId: factors.data.totp[0].id, code: await auth.fresh() });
    assert.equal(done.error, null, done.error?.message);
    assert.equal(jwtClaims(done.data.access_token).aal, 'aal2');
  });

  test('a factor enrolled under /auth/v1 is asked for by the native sign-in', async () => {
    const { email, auth } = await enrolled();
    const res = await srv.api('POST', '/v1/signin/email-password', { email, password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.json.session, 'no session before the second factor');
    assert.match(res.json.mfa.ticket, /^mfaTotp:/);
    const done = await srv.api('POST', '/v1/signin/mfa/totp', { ticket: res.json.mfa.ticket, otp: await auth.fresh() });
    assert.equal(done.status, 200, done.text);
    assert.equal(jwtClaims(done.json.session.accessToken).aal, 'aal2');
  });
});
