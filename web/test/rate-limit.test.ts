// A rate-limited sign-in says how long to wait, counts it down, and keeps the button off until then.
// This file's API allows two logins a minute per address and per account.
import { expect, test } from 'vitest';
import { phone, systemUnderTest } from './helpers/flock.ts';

const system = systemUnderTest({ env: { AUTH_RATE_LIMIT_MAX: '2' } });

test('after too many sign-ins, the form counts down the wait the API gave and the button waits too', async () => {
  const user = await system.register();
  const context = await system.browser.newContext({ viewport: phone });
  const page = await context.newPage();
  await page.goto(`${system.flock.url}/login`);
  const signIn = page.getByRole('button', { name: 'Sign in' });
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(`wrong password ${attempt}`);
    await signIn.click();
    await page.getByRole('alert').waitFor();
  }
  await expect(page.getByRole('alert').textContent()).resolves.toContain('Too many attempts for now.');
  const wait = page.locator('flock-auth-form .wait');
  const first = Number((await wait.textContent())?.match(/Try again in (\d+) seconds?\./)?.[1]);
  expect(first).toBeGreaterThan(1);
  expect(first).toBeLessThanOrEqual(60);
  await expect(signIn.isDisabled()).resolves.toBe(true);
  // It counts down by itself.
  await expect
    .poll(async () => Number((await wait.textContent())?.match(/(\d+)/)?.[1]), { timeout: 5_000 })
    .toBeLessThan(first);
  await context.close();
});
