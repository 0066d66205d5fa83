// GATEHOUSE_SIGNUP_DISABLED=true.
import { test } from 'node:test';
import { expectError } from './lib/schema.js';
import { useServer } from './lib/server.js';
import { PASSWORD, uniqueEmail } from './lib/util.js';

const srv = useServer({ GATEHOUSE_SIGNUP_DISABLED: 'true' }, { name: 'signup-disabled' });

test('sign-up -> 403 signup-disabled, and no account appears', async () => {
  const email = uniqueEmail('disabled');
  const res = await srv.api('POST', '/signup/email-password', { email, password: PASSWORD });
  expectError(res, '/signup/email-password', 'POST', 403, 'signup-disabled');
  const si = await srv.api('POST', '/signin/email-password', { email, password: PASSWORD });
  expectError(si, '/signin/email-password', 'POST', 401, 'invalid-email-password');
});

test('sign-up with options is refused the same way', async () => {
  const res = await srv.api('POST', '/signup/email-password', {
    email: uniqueEmail('disabled'),
    password: PASSWORD,
    options: { displayName: 'Nope' },
  });
  expectError(res, '/signup/email-password', 'POST', 403, 'signup-disabled');
});
