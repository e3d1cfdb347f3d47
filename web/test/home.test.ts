// The two timelines: Home has the reader's own messages and those of the accounts they follow (live,
// over the private `home` stream), Public has everyone's; the tabs say which is shown. A new account
// that follows nobody is told where to find people.
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { desktop, shownContents, systemUnderTest, type User, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();
let reader: User;
let followed: User;
let stranger: User;

const tab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Timelines' }).getByRole('link', { name });

beforeAll(async () => {
  [reader, followed, stranger] = await Promise.all([system.register(), system.register(), system.register()]);
  await system.follow(reader, followed.username);
  await system.postMessage(followed, 'Followed, before');
  await system.postMessage(stranger, 'Stranger, before');
  await system.postMessage(reader, 'Mine, before');
});

test('Home: mine and the followed account’s, live; not the stranger’s. Public: everyone’s', async () => {
  const context = await system.browser.newContext({ viewport: desktop });
  const { page, problems } = await system.signedIn(context, reader, '/');
  await page.getByRole('heading', { name: 'Home', level: 1 }).waitFor();
  await expect(tab(page, 'Home').getAttribute('aria-current')).resolves.toBe('page');
  await expect.poll(() => shownContents(page)).toEqual(['Mine, before', 'Followed, before']);
  await waitLive(page);

  // The stranger's post comes first: once the followed one's has arrived, the stranger's would have too.
  await system.postMessage(stranger, 'Stranger, live');
  await system.postMessage(followed, 'Followed, live');
  await expect
    .poll(() => shownContents(page), { timeout: 10_000 })
    .toEqual(['Followed, live', 'Mine, before', 'Followed, before']);

  await tab(page, 'Public').click();
  await page.waitForURL('**/public');
  await page.getByRole('heading', { name: 'Public', level: 1 }).waitFor();
  await expect(tab(page, 'Public').getAttribute('aria-current')).resolves.toBe('page');
  await expect
    .poll(() => shownContents(page))
    .toEqual(['Followed, live', 'Stranger, live', 'Mine, before', 'Stranger, before', 'Followed, before']);

  await tab(page, 'Home').click();
  await page.waitForURL((url) => url.pathname === '/');
  await expect
    .poll(() => shownContents(page))
    .toEqual(['Followed, live', 'Mine, before', 'Followed, before']);
  // The reader's own post is on Home at once.
  await page.getByLabel("What's happening?").fill('Mine, live');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect
    .poll(() => shownContents(page))
    .toEqual(['Mine, live', 'Followed, live', 'Mine, before', 'Followed, before']);
  expect(problems).toEqual([]);
  await context.close();
});

test('a new account’s Home says what it will hold and leads to Public', async () => {
  const newcomer = await system.register();
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, newcomer, '/');
  await page.getByText('Home shows your messages and those of the people you follow.').waitFor();
  await page.getByRole('link', { name: 'Public timeline' }).click();
  await page.waitForURL('**/public');
  await page.getByText('Followed, before').waitFor();
  await context.close();
});
