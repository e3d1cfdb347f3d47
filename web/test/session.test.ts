// The session: sign-up and sign-in through the forms, kept across a reload, cleared by logging out, and
// a token the API rejects leads back to the sign-in view. And the whole path done with the keyboard only.

import { createTokenService } from '@flock/api/tokens';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { desktop, openPage, systemUnderTest, uniqueName, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();

const stored = (page: Page) => page.evaluate(() => localStorage.getItem('flock.session'));

test('sign up, reload keeps the session, log out clears it', async () => {
  const context = await system.browser.newContext({ viewport: desktop });
  const { page, problems } = await openPage(context);
  await page.goto(system.flock.url);
  await page.getByRole('link', { name: 'Create an account' }).click();
  const username = uniqueName('new');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Home' }).waitFor();
  await waitLive(page);
  expect(JSON.parse((await stored(page)) ?? '{}').user.username).toBe(username);

  await page.reload();
  await page.getByRole('heading', { name: 'Home' }).waitFor();
  await page.getByRole('link', { name: `Signed in as @${username}` }).waitFor();
  await waitLive(page);

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor();
  await page.getByText('You have signed out.').waitFor();
  expect(await stored(page)).toBeNull();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');

  // Signing up again with the same name says which field is taken.
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`other_${username}@example.test`);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Username is already taken.').waitFor();
  await expect(page.getByLabel('Username').getAttribute('aria-invalid')).resolves.toBe('true');
  expect(problems).toEqual([]);
  await context.close();
});

test('a wrong password is refused; a bad or expired token leads to the sign-in view', async () => {
  const user = await system.register();
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await openPage(context);
  await page.goto(new URL('/login', system.flock.url).toString());
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();

  // A tampered token, as if stored earlier: the app checks it and returns to sign-in with a message.
  await page.evaluate((session) => localStorage.setItem('flock.session', JSON.stringify(session)), {
    token: `${user.token}x`,
    user: user.auth.user,
  });
  await page.goto(new URL(`/users/${user.username}`, system.flock.url).toString());
  await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor({ timeout: 10_000 });
  await page.getByText('Your session has ended. Please sign in again.').waitFor();
  expect(await stored(page)).toBeNull();

  // Signing in returns to where the reader was going.
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `@${user.username}` }).waitFor();
  await context.close();
});

test('a token that expires while connected: the live feed closes (4001) and the app asks to sign in', async () => {
  const user = await system.register();
  const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString());
  const shortLived = createTokenService({
    secret: system.flock.jwtSecret,
    issuer: 'flock',
    audience: 'flock-api',
    ttlSeconds: 3,
  }).sign({ sub: claims.sub, username: user.username, bot: false });
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await openPage(context);
  await page.goto(new URL('/login', system.flock.url).toString());
  await page.evaluate((session) => localStorage.setItem('flock.session', JSON.stringify(session)), {
    token: shortLived,
    user: user.auth.user,
  });
  await page.goto(system.flock.url);
  await page.getByRole('heading', { name: 'Home' }).waitFor();
  await waitLive(page);
  await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor({ timeout: 10_000 });
  await page.getByText('Your session has ended. Please sign in again.').waitFor();
  expect(await stored(page)).toBeNull();
  await context.close();
});

/** The focused element, looking through shadow roots. */
function focused(page: Page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element) return '';
    const label = element.getAttribute('aria-label') ?? element.getAttribute('id') ?? '';
    const pressed = element.getAttribute('aria-pressed');
    return `${element.tagName.toLowerCase()}|${label}|${element.textContent?.trim().replace(/\s+/g, ' ')}|${pressed ?? ''}`;
  });
}

/** Presses Tab until the focused element matches; fails after `max` presses. */
async function tabTo(page: Page, matches: (focus: string) => boolean | Promise<boolean>, max = 40) {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focus = await focused(page);
    seen.push(focus);
    if (await matches(focus)) return focus;
  }
  throw new Error(`Tab never reached the element; focus went through:\n${seen.join('\n')}`);
}

test('keyboard only: sign in, post and like', async () => {
  const user = await system.register();
  const other = await system.register();
  await system.postMessage(other, 'Press space to like me #keyboard');
  // Home, where signing in leads, has the accounts the reader follows.
  await system.follow(user, other.username);
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await openPage(context);
  await page.goto(system.flock.url);
  await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor();

  await tabTo(page, (focus) => focus.startsWith('input|login'));
  await page.keyboard.type(user.username);
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatch(/^input\|password/);
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Home' }).waitFor();
  await waitLive(page);

  await tabTo(page, (focus) => focus.startsWith('textarea|content'));
  await page.keyboard.type('Typed without a mouse #keyboard');
  await tabTo(page, (focus) => focus.startsWith('input|tag'), 3);
  await page.keyboard.type('a11y');
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Remove tag a11y' }).waitFor();
  await tabTo(page, (focus) => focus.startsWith('button||Post'), 5);
  await page.keyboard.press('Enter');
  await page.locator('flock-message .content', { hasText: 'Typed without a mouse' }).waitFor();
  expect(await focused(page)).toMatch(/^textarea\|content/);

  // Tab on to the like button of the other person's message (below the reader's own new one).
  const likeOf = (text: string) =>
    page
      .locator('flock-message')
      .filter({ has: page.locator('.content', { hasText: text }) })
      .getByRole('button', { name: /^Like/ });
  const target = likeOf('Press space to like me');
  const focus = await tabTo(page, () => target.evaluate((button) => button.matches(':focus')));
  expect(focus).toBe('button||Like, 0 likes|false');
  await page.keyboard.press('Space');
  await expect.poll(() => target.getAttribute('aria-pressed')).toBe('true');
  await expect.poll(() => target.locator('.count').textContent()).toBe('1');
  await context.close();
});
