// The API goes away and comes back: the indicator says the connection is lost, then live again, and
// what was posted meanwhile (by another client) appears without a reload, once.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  desktop,
  type Flock,
  launchBrowser,
  postMessage,
  register,
  screenshot,
  shownContents,
  signedIn,
  startFlock,
  waitLive,
} from './helpers/flock.ts';

let flock: Flock;
let browser: Browser;

beforeAll(async () => {
  [flock, browser] = await Promise.all([startFlock(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await flock?.close();
});

test('the API restarts: the indicator follows and missed messages arrive without a reload', async () => {
  const [reader, writer] = await Promise.all([register(flock), register(flock)]);
  await postMessage(flock, writer, 'Before the restart');
  const context = await browser.newContext({ viewport: desktop });
  const { page } = await signedIn(flock, context, reader);
  let loads = 0;
  page.on('load', () => {
    loads += 1;
  });
  await waitLive(page);
  await page.getByText('Before the restart').waitFor();

  await flock.stopApi();
  const status = page.locator('flock-connection-status');
  await page.locator('flock-connection-status[status="reconnecting"]').waitFor({ timeout: 10_000 });
  await expect(status.getByRole('status').textContent()).resolves.toMatch(/Offline/);
  await screenshot(page, 'feed-offline-desktop-light');

  await flock.startApi();
  // Posted at once, while the page is still waiting to reconnect.
  await postMessage(flock, writer, 'Posted while you were away #1');
  await postMessage(flock, writer, 'Posted while you were away #2');

  await waitLive(page);
  await expect
    .poll(() => shownContents(page), { timeout: 15_000 })
    .toEqual(['Posted while you were away #2', 'Posted while you were away #1', 'Before the restart']);

  // And the feed is live again.
  await postMessage(flock, writer, 'After the restart');
  await expect.poll(() => shownContents(page), { timeout: 10_000 }).toHaveLength(4);
  expect((await shownContents(page))[0]).toBe('After the restart');
  expect(loads).toBe(0);
  await context.close();
});
