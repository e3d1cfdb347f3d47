// The walk-through with two people, two browser contexts: A follows B from B's profile; B posts and it
// arrives live on A's Home; A opens the message's page (from its time) and replies; B, on that page,
// sees the reply arrive live, and (following A back) on their own Home too; A edits their profile and the new display name shows on the profile and
// on A's messages. Each step is saved at 390×844 and 1440×900, light and dark, under
// .artifacts/screenshots/ (social-*), and checked with axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { violations } from './helpers/axe.ts';
import {
  desktop,
  openPage,
  phone,
  screenshot,
  systemUnderTest,
  type User,
  type Watched,
  waitLive,
} from './helpers/flock.ts';

const system = systemUnderTest();
let ada: User;
let bea: User;
let a: Watched;
let b: Watched;

const messageWith = (page: Page, content: string) =>
  page.locator('flock-message').filter({ has: page.locator('.content', { hasText: content }) });

/** The page as it is now at both sizes, light and dark: no axe-core violations, and screenshots. */
async function record(page: Page, step: string) {
  for (const [size, viewport] of Object.entries({ phone, desktop })) {
    await page.setViewportSize(viewport);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      expect(await violations(page), `axe on ${step} (${size}, ${colorScheme})`).toEqual([]);
      await screenshot(page, `social-${step}-${size}-${colorScheme}`);
    }
  }
  await page.setViewportSize(desktop);
  await page.emulateMedia({ colorScheme: 'light' });
}

beforeAll(async () => {
  [ada, bea] = await Promise.all([system.register(), system.register()]);
  await system.postMessage(bea, 'An older message of mine, from before anyone followed me');
  const [first, second] = await Promise.all([
    system.browser.newContext({ viewport: desktop }),
    system.browser.newContext({ viewport: desktop }),
  ]);
  a = await system.signedIn(first!, ada, `/users/${bea.username}`);
  b = await system.signedIn(second!, bea, '/');
  await Promise.all([waitLive(a.page), waitLive(b.page)]);
});

afterAll(async () => {
  expect(a.problems).toEqual([]);
  expect(b.problems).toEqual([]);
  expect(a.dialogs).toEqual([]);
});

test('A follows B from B’s profile: the button and the count change, and B’s lists say so', async () => {
  const { page } = a;
  const follow = page.getByRole('button', { name: `Follow @${bea.username}` });
  await follow.click();
  await page.getByRole('button', { name: `Unfollow @${bea.username}` }).waitFor();
  const followers = page.locator('flock-profile dl div').filter({ hasText: 'Followers' }).locator('dd');
  await expect.poll(() => followers.textContent()).toBe('1');
  await record(page, 'followed');

  await page.getByRole('link', { name: 'Followers', exact: true }).click();
  await page.waitForURL(`**/users/${bea.username}/followers`);
  await page.locator('flock-accounts .account', { hasText: `@${ada.username}` }).waitFor();
  await record(page, 'followers');
});

test('B posts; it arrives live on A’s Home, which holds B’s earlier messages too', async () => {
  const { page } = a;
  await page.goto(new URL('/', system.flock.url).toString());
  await page.getByRole('link', { name: 'Home', exact: true }).waitFor();
  await expect(
    page.getByRole('link', { name: 'Home', exact: true }).getAttribute('aria-current'),
  ).resolves.toBe('page');
  await messageWith(page, 'An older message of mine').waitFor();
  await waitLive(page);

  await b.page.getByLabel("What's happening?").fill('Fresh from B, for my followers #hello');
  await b.page.getByRole('button', { name: 'Post', exact: true }).click();
  await messageWith(b.page, 'Fresh from B').waitFor();
  await messageWith(page, 'Fresh from B').waitFor({ timeout: 10_000 });
  await expect(
    messageWith(page, 'Fresh from B')
      .getByRole('img', { name: `Avatar of @${bea.username}` })
      .count(),
  ).resolves.toBe(1);
  await record(page, 'home');
});

test('A replies on the message’s page; B, on the same page, sees the reply arrive live, and on Home', async () => {
  // B follows A back, and keeps Home open in another tab.
  await system.follow(bea, ada.username);
  const bHome = await openPage(b.page.context());
  await bHome.page.goto(system.flock.url);
  await messageWith(bHome.page, 'Fresh from B').waitFor();
  await waitLive(bHome.page);
  // B opens the message's page from its time.
  await messageWith(b.page, 'Fresh from B').locator('a.time').click();
  await b.page.waitForURL('**/messages/*');
  await b.page.getByRole('heading', { name: 'Replies' }).waitFor();
  await b.page.getByText('No replies yet.').waitFor();
  await waitLive(b.page);

  const { page } = a;
  await messageWith(page, 'Fresh from B').locator('a.time').click();
  await page.waitForURL(b.page.url());
  await page.getByLabel('Your reply').fill('Welcome, B! Replying from my home timeline');
  await page.getByRole('button', { name: 'Reply', exact: true }).click();
  const mine = messageWith(page, 'Welcome, B!');
  await mine.waitFor();
  await expect(mine.locator('.replying').textContent()).resolves.toMatch(
    new RegExp(`Replying to\\s+@${bea.username}`),
  );
  await expect(page.getByLabel('Your reply').inputValue()).resolves.toBe('');

  const theirs = messageWith(b.page, 'Welcome, B!');
  await theirs.waitFor({ timeout: 10_000 });
  await expect(b.page.getByText('No replies yet.').count()).resolves.toBe(0);
  // The message's reply count follows, once, on both pages.
  const count = (p: Page) => messageWith(p, 'Fresh from B').locator('.replies .count').textContent();
  await expect.poll(() => count(b.page), { timeout: 10_000 }).toBe('1');
  await expect.poll(() => count(page)).toBe('1');
  await record(b.page, 'thread');

  await messageWith(bHome.page, 'Welcome, B!').waitFor({ timeout: 10_000 });
  await expect(messageWith(bHome.page, 'Welcome, B!').locator('.replying').textContent()).resolves.toMatch(
    new RegExp(`Replying to\\s+@${bea.username}`),
  );
  await record(bHome.page, 'home-of-b');
  expect(bHome.problems).toEqual([]);
  await bHome.page.close();
});

test('A edits their profile: the new display name and bio show, on the profile and on A’s messages', async () => {
  const { page } = a;
  await page.getByRole('link', { name: `Signed in as @${ada.username}` }).click();
  await page.getByRole('button', { name: 'Edit profile' }).click();
  await expect(page.getByLabel('Display name').evaluate((input) => input.matches(':focus'))).resolves.toBe(
    true,
  );
  await page.getByLabel('Display name').fill('Ada, the Walker');
  await page.getByLabel('Bio').fill('I follow people and reply to them.\nTwo lines, even.');
  await record(page, 'edit');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: `Ada, the Walker @${ada.username}` }).waitFor();
  await page.getByText('I follow people and reply to them.').waitFor();
  const reply = messageWith(page, 'Welcome, B!');
  await reply.waitFor();
  await expect(reply.locator('.author .name').textContent()).resolves.toBe('Ada, the Walker');
  await expect(reply.locator('.author .handle').textContent()).resolves.toBe(`@${ada.username}`);
  await record(page, 'profile');

  // B reads the thread again: A's reply carries the new name.
  await b.page.reload();
  await expect(messageWith(b.page, 'Welcome, B!').locator('.author .name').textContent()).resolves.toBe(
    'Ada, the Walker',
  );
});
