// Gatehouse quick start: an app's side of email + password sign-in with the official
// Nhost client, unmodified. Run against a local server (`make run`, or any URL):
//
//   npm install @nhost/nhost-js@4.7.0
//   GATEHOUSE_AUTH_URL=http://localhost:4000/v1 node quickstart.mjs ada@example.com 'correct horse'
//
// It signs up (or, when the address is taken, signs in), reads the user, refreshes the
// session and signs out, printing one line per step. With email verification on (the
// default) the sign-up answers without a session: open the link the server mailed (the
// development mailer prints it to the server's log), then run this again.
import { createClient } from '@nhost/nhost-js';
import { MemoryStorage } from '@nhost/nhost-js/session';

const authUrl = process.env.GATEHOUSE_AUTH_URL ?? 'http://localhost:4000/v1';
const [email, password] = process.argv.slice(2);
if (!email || !password) {
  console.error('usage: node quickstart.mjs <email> <password>');
  process.exit(2);
}

// In a browser leave `storage` out: the client keeps the session in localStorage and
// refreshes the access token before it expires.
const nhost = createClient({ authUrl, storage: new MemoryStorage() });

async function signUpOrIn() {
  try {
    const up = await nhost.auth.signUpEmailPassword({ email, password });
    if (up.body.session) return 'signed up';
    console.log('signed up: verify the address with the mailed link, then run this again');
    process.exit(0);
  } catch (e) {
    if (e.body?.error !== 'email-already-in-use') throw e;
  }
  const signIn = await nhost.auth.signInEmailPassword({ email, password });
  if (signIn.body.mfa) {
    // A user with TOTP on: the app asks for the code and finishes with
    // nhost.auth.verifySignInMfaTotp({ ticket: signIn.body.mfa.ticket, otp }).
    console.log('second factor needed: ticket', signIn.body.mfa.ticket);
    process.exit(0);
  }
  return 'signed in';
}

try {
  console.log(await signUpOrIn());
  const me = await nhost.auth.getUser(); // the client sends the access token
  console.log('user', me.body.id, me.body.email);
  const before = nhost.getUserSession().refreshToken;
  const refreshed = await nhost.refreshSession(0); // 0: refresh now, not only when due
  console.log('refreshed', refreshed.refreshToken !== before ? 'with a new refresh token' : '?');
  await nhost.auth.signOut({ refreshToken: refreshed.refreshToken });
  console.log('signed out');
} catch (e) {
  // Errors from the server carry its body: {status, error, message}.
  console.error('failed:', e.status ?? '', e.body?.error ?? '', e.message);
  process.exit(1);
}
