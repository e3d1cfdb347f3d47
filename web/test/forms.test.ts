// The sign-in and sign-up forms as a person meets them: each refusal in words, once, beside its field;
// an old notice does not linger beside a new error.
import { expect, test } from 'vitest';
import { phone, screenshot, systemUnderTest, uniqueName } from './helpers/flock.ts';

const system = systemUnderTest();

test('a password too long is told beside its field, in words, once, and the field gets the focus', async () => {
  const context = await system.browser.newContext({ viewport: phone });
  const page = await context.newPage();
  await page.goto(`${system.flock.url}/signup`);
  await page.getByLabel('Username').fill(uniqueName());
  await page.getByLabel('Email').fill(`${uniqueName()}@example.test`);
  await page.getByLabel('Password').fill('x'.repeat(257));
  await page.getByRole('button', { name: 'Create account' }).click();

  const told = 'Password must be at most 256 characters.';
  await page.getByText(told).waitFor();
  await expect(page.getByText(/must be at most 256 characters/).count()).resolves.toBe(1);
  await expect(page.getByText(/must NOT/).count()).resolves.toBe(0);
  const password = page.getByLabel('Password');
  await expect(password.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(
    password.evaluate((input) => input === (input.getRootNode() as ShadowRoot).activeElement),
  ).resolves.toBe(true);
  await screenshot(page, 'signup-password-too-long-phone');
  await context.close();
});

test('"You have signed out." goes once the next attempt is answered', async () => {
  const user = await system.register();
  const context = await system.browser.newContext({ viewport: phone });
  const { page } = await system.signedIn(context, user);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByText('You have signed out.').waitFor();
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That username or email and password do not match.').waitFor();
  await expect(page.getByText('You have signed out.').count()).resolves.toBe(0);
  await context.close();
});
