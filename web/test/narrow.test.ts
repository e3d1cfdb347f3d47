// The longest names the API allows, on a phone (390 px wide): a 50-character tag in the composer, on a
// tag page and on a message, and a 30-character username, each wrapped inside its card; nothing widens
// the page, and the Post button stays on screen.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { phone, screenshot, systemUnderTest, type User } from './helpers/flock.ts';

const LONG_TAG = 'a'.repeat(25) + 'b'.repeat(25);
const system = systemUnderTest();
let context: BrowserContext;
let user: User;

beforeAll(async () => {
  // The longest username the API allows: 30 characters.
  user = await system.register({ username: `n${Date.now().toString(36)}`.padEnd(30, 'x') });
  context = await system.browser.newContext({ viewport: phone });
});

afterAll(async () => {
  await context?.close();
});

/** The page is no wider than the screen, and `locator`'s box lies inside it. */
async function fitsTheScreen(page: Page, what: string, box: ReturnType<Page['locator']>) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(phone.width);
  const bounds = await box.boundingBox();
  expect(bounds, `${what}: not shown`).not.toBeNull();
  expect(bounds!.x, what).toBeGreaterThanOrEqual(0);
  expect(bounds!.x + bounds!.width, what).toBeLessThanOrEqual(phone.width);
}

test('a 50-character tag added in the composer wraps; the Post button stays on screen', async () => {
  const { page } = await system.signedIn(context, user, '/');
  await page.getByRole('textbox', { name: "What's happening?" }).fill('Long tags, short screens');
  const tagInput = page.getByRole('textbox', { name: 'Add a tag' });
  await tagInput.fill(LONG_TAG);
  await tagInput.press('Enter');
  await page.getByRole('button', { name: `Remove tag ${LONG_TAG}` }).waitFor();
  await fitsTheScreen(page, 'the composer', page.locator('flock-compose form'));
  await fitsTheScreen(page, 'the Post button', page.getByRole('button', { name: 'Post' }));
  await screenshot(page, 'narrow-composer-long-tag-phone');
  await page.close();
});

test('a tag page of a 50-character tag shows its whole heading and a Post button on screen', async () => {
  const { page } = await system.signedIn(context, user, `/tags/${LONG_TAG}`);
  const heading = page.getByRole('heading', { level: 1, name: `#${LONG_TAG}` });
  await heading.waitFor();
  await fitsTheScreen(page, 'the heading', heading);
  await fitsTheScreen(page, 'the Post button', page.getByRole('button', { name: 'Post' }));
  await screenshot(page, 'narrow-tag-page-phone');
  await page.close();
});

test("a message's 50-character tag and a 30-character username stay inside their cards", async () => {
  await system.postMessage(user, 'Tagged from the side', [LONG_TAG]);
  const { page } = await system.signedIn(context, user, '/');
  const chip = page.locator('flock-message .tags a', { hasText: `#${LONG_TAG}` }).first();
  await chip.waitFor();
  await fitsTheScreen(page, 'the tag chip', chip);
  await fitsTheScreen(page, 'the author', page.locator('flock-message .author').first());
  await page.close();

  const profile = await system.signedIn(context, user, `/users/${user.username}`);
  const name = profile.page.getByRole('heading', { level: 1 });
  await name.waitFor();
  await fitsTheScreen(profile.page, 'the profile heading', profile.page.locator('flock-profile h1 .name'));
  await screenshot(profile.page, 'narrow-profile-long-username-phone');
  await profile.page.close();
});
