import { expect, test } from 'vitest';
import { desktop, screenshot, shownContents, systemUnderTest, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();

test('the API restarts: the indicator follows and missed messages arrive without a reload', async () => {
  const [reader, writer] = await Promise.all([system.register(), system.register()]);
  await system.postMessage(writer, 'Before the restart');
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, reader);
  let loads = 0;
  page.on('load', () => {
    loads += 1;
  });
  await waitLive(page);
  await page.getByText('Before the restart').waitFor();

  await system.flock.stop();
  const status = page.locator('flock-connection-status');
  await page.locator('flock-connection-status[status="reconnecting"]').waitFor({ timeout: 10_000 });
  await expect(status.getByRole('status').textContent()).resolves.toMatch(/Offline/);
  await screenshot(page, 'feed-offline-desktop-light');

  await system.flock.restart();
  // Posted at once, while the page is still waiting to reconnect.
  await system.postMessage(writer, 'Posted while you were away #1');
  await system.postMessage(writer, 'Posted while you were away #2');

  await waitLive(page);
  await expect
    .poll(() => shownContents(page), { timeout: 15_000 })
    .toEqual(['Posted while you were away #2', 'Posted while you were away #1', 'Before the restart']);

  // And the feed is live again.
  await system.postMessage(writer, 'After the restart');
  await expect.poll(() => shownContents(page), { timeout: 10_000 }).toHaveLength(4);
  expect((await shownContents(page))[0]).toBe('After the restart');
  expect(loads).toBe(0);
  await context.close();
});
