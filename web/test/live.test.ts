// Two people, two browser contexts, one live feed: posts and likes arrive without reloading; a reader
// scrolled down gets a banner instead of a jump; #tags and authors filter the feed.
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { desktop, screenshot, systemUnderTest, type User, type Watched, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();
let one: User;
let two: User;
let contexts: BrowserContext[];
let first: Watched;
let second: Watched;

/** The message element whose text is exactly `content`. */
const messageWith = (page: Page, content: string) =>
  page.locator('flock-message').filter({ has: page.locator('.content', { hasText: content }) });

/** Counts full page loads, to prove nothing was reloaded. */
function countLoads(page: Page) {
  const loads = { count: 0 };
  page.on('load', () => {
    loads.count += 1;
  });
  return loads;
}

beforeAll(async () => {
  [one, two] = await Promise.all([system.register(), system.register()]);
  // Enough older messages for the second reader to scroll.
  for (let i = 1; i <= 25; i++) await system.postMessage(one, `Older message number ${i} #filler`);
  contexts = await Promise.all([
    system.browser.newContext({ viewport: desktop }),
    system.browser.newContext({ viewport: desktop }),
  ]);
  first = await system.signedIn(contexts[0]!, one);
  second = await system.signedIn(contexts[1]!, two);
  await Promise.all([waitLive(first.page), waitLive(second.page)]);
});

test('a message appears live; a reader scrolled down gets a banner instead', async () => {
  const loads = countLoads(second.page);
  await first.page.getByLabel("What's happening?").fill('#lit is fun');
  await first.page.getByRole('button', { name: 'Post', exact: true }).click();
  await messageWith(first.page, '#lit is fun').waitFor();
  await messageWith(second.page, '#lit is fun').waitFor({ timeout: 10_000 });
  await expect(second.page.locator('flock-message').first().locator('.content').textContent()).resolves.toBe(
    '#lit is fun',
  );

  // Scrolled down: the page stays put and a banner counts what arrived.
  await second.page.evaluate(() => scrollTo({ top: 1500 }));
  await second.page.waitForFunction(() => scrollY > 1000);
  const before = await second.page.evaluate(() => scrollY);
  await system.postMessage(one, 'Another one about #lit');
  const banner = second.page.getByRole('button', { name: '1 new message' });
  await banner.waitFor({ timeout: 10_000 });
  await screenshot(second.page, 'feed-banner-desktop-light');
  await expect(messageWith(second.page, 'Another one about #lit').count()).resolves.toBe(0);
  expect(await second.page.evaluate(() => scrollY)).toBe(before);

  await banner.click();
  await messageWith(second.page, 'Another one about #lit').waitFor();
  await expect(banner.count()).resolves.toBe(0);
  expect(await second.page.evaluate(() => scrollY)).toBeLessThan(before);
  // The view's heading and the new message are in sight, not under the sticky header.
  const headerBottom = await second.page
    .locator('flock-header header')
    .evaluate((e) => e.getBoundingClientRect().bottom);
  for (const shown of [
    second.page.getByRole('heading', { level: 1 }),
    messageWith(second.page, 'Another one about #lit'),
  ]) {
    const box = await shown.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(headerBottom);
    expect(box!.y + box!.height).toBeLessThanOrEqual(await second.page.evaluate(() => innerHeight));
  }
  expect(loads.count).toBe(0);
});

test('a like counts at once for the liker and live for the author; unlike restores it', async () => {
  const liked = messageWith(second.page, '#lit is fun');
  const likeButton = liked.getByRole('button', { name: /^Like/ });
  const count = (page: Page) => messageWith(page, '#lit is fun').locator('.like .count').textContent();
  await expect(count(second.page)).resolves.toBe('0');

  // Hold the API's answer back: the count must change before it arrives.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await second.page.route('**/api/messages/*/like', async (route) => {
    await held;
    await route.continue();
  });
  await likeButton.click();
  await expect.poll(() => count(second.page), { timeout: 1000 }).toBe('1');
  await expect(likeButton.getAttribute('aria-pressed')).resolves.toBe('true');
  const answered = second.page.waitForResponse('**/api/messages/*/like');
  release();
  await answered;
  await second.page.unroute('**/api/messages/*/like');

  await expect.poll(() => count(first.page), { timeout: 10_000 }).toBe('1');
  await expect(count(second.page)).resolves.toBe('1');

  await likeButton.click();
  await expect.poll(() => count(second.page), { timeout: 1000 }).toBe('0');
  await expect(likeButton.getAttribute('aria-pressed')).resolves.toBe('false');
  await expect.poll(() => count(first.page), { timeout: 10_000 }).toBe('0');
});

test('#tags and authors are links that filter the feed', async () => {
  const { page } = second;
  await page.evaluate(() => scrollTo({ top: 0 }));
  await messageWith(page, '#lit is fun').getByRole('link', { name: '#lit' }).click();
  await page.waitForURL('**/tags/lit');
  await page.getByRole('heading', { name: '#lit' }).waitFor();
  await messageWith(page, 'Another one about #lit').waitFor();
  await expect
    .poll(() => page.locator('flock-message .content').allTextContents())
    .toEqual(['Another one about #lit', '#lit is fun']);

  await messageWith(page, '#lit is fun')
    .getByRole('link', { name: `@${one.username}` })
    .click();
  await page.waitForURL(`**/users/${one.username}`);
  await page.getByRole('heading', { name: `@${one.username}` }).waitFor();
  await page.getByText('Messages', { exact: true }).first().waitFor();
  await messageWith(page, 'Another one about #lit').waitFor();
  const authors = await page.locator('flock-message .author').allTextContents();
  expect(authors.length).toBeGreaterThan(1);
  expect(new Set(authors)).toEqual(new Set([`@${one.username}`]));
  const messages = page.locator('flock-profile dl div').filter({ hasText: 'Messages' }).locator('dd');
  await expect(messages.textContent()).resolves.toBe('27');

  // And the back button returns to the tag.
  await page.goBack();
  await page.getByRole('heading', { name: '#lit' }).waitFor();
});

test('user text is shown as text: no markup is injected and no script runs', async () => {
  const hostile = '<img src=x onerror=alert(1)> and <script>alert(2)</script> #xss';
  await system.postMessage(one, hostile);
  for (const page of [second.page, first.page]) {
    if (page === second.page) await page.goto(new URL('/public', system.flock.url).toString());
    await messageWith(page, 'onerror').waitFor({ timeout: 10_000 });
    await expect(messageWith(page, 'onerror').locator('.content').textContent()).resolves.toBe(hostile);
    const injected = await page.evaluate(() => {
      const found: string[] = [];
      const visit = (root: Document | ShadowRoot) => {
        for (const element of root.querySelectorAll('*')) {
          if (element.matches('img, script:not([src])')) found.push(element.outerHTML);
          if (element.shadowRoot) visit(element.shadowRoot);
        }
      };
      visit(document);
      return found;
    });
    expect(injected).toEqual([]);
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(first.dialogs).toEqual([]);
  expect(second.dialogs).toEqual([]);
  expect(first.problems).toEqual([]);
  expect(second.problems).toEqual([]);
});

test('the author deletes a message (asked once more, in place): it goes from every feed, live', async () => {
  const doomed = 'This one will be deleted #gone';
  await system.postMessage(one, doomed);
  await messageWith(second.page, doomed).waitFor({ timeout: 10_000 });
  await expect(
    messageWith(second.page, doomed)
      .getByRole('button', { name: /Delete/ })
      .count(),
  ).resolves.toBe(0);

  const mine = messageWith(first.page, doomed);
  await mine.waitFor({ timeout: 10_000 });
  await mine.getByRole('button', { name: 'Delete this message' }).click();
  await mine.getByRole('button', { name: 'Cancel' }).click();
  await mine.getByRole('button', { name: 'Delete this message' }).click();
  await mine.getByRole('button', { name: 'Yes, delete this message' }).click();
  await mine.waitFor({ state: 'detached' });
  await messageWith(second.page, doomed).waitFor({ state: 'detached', timeout: 10_000 });
  expect(first.dialogs).toEqual([]);
});

test('a draft survives live traffic: tag chips and text stay while messages arrive', async () => {
  const { page } = first;
  await page.goto(new URL('/tags/lit', system.flock.url).toString());
  await waitLive(page);
  await page.getByRole('button', { name: 'Remove tag lit' }).waitFor();
  await page.getByLabel("What's happening?").fill('Half-written thought');
  await page.getByLabel('Add a tag').fill('draft');
  await page.getByLabel('Add a tag').press('Enter');
  await page.getByRole('button', { name: 'Remove tag draft' }).waitFor();
  await system.postMessage(two, 'Meanwhile, more about #lit');
  await messageWith(page, 'Meanwhile, more about #lit').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Remove tag draft' }).waitFor({ timeout: 1000 });
  await expect(page.getByLabel("What's happening?").inputValue()).resolves.toBe('Half-written thought');
  await expect(page.locator('flock-compose .counter').textContent()).resolves.toMatch(/^\s*480\b/);
});

test('a draft is kept when the reader follows a link and comes back, and through a reload; posting clears it', async () => {
  const { page } = first;
  await page.goto(system.flock.url);
  await waitLive(page);
  const box = page.getByLabel("What's happening?");
  await box.fill('Thinking about #lit while I look around');
  await page.getByRole('link', { name: `Signed in as @${one.username}` }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(one.username) }).waitFor();
  await page.goBack();
  await expect(box.inputValue()).resolves.toBe('Thinking about #lit while I look around');
  await page.reload();
  await expect(box.inputValue()).resolves.toBe('Thinking about #lit while I look around');
  await page.getByRole('button', { name: 'Post' }).click();
  await messageWith(page, 'Thinking about #lit while I look around').waitFor();
  await expect(box.inputValue()).resolves.toBe('');
  await page.reload();
  await expect(box.inputValue()).resolves.toBe('');
});
