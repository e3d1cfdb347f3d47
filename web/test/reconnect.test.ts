import { expect, test } from 'vitest';
import { desktop, phone, screenshot, shownContents, systemUnderTest, waitLive } from './helpers/flock.ts';

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
  await expect(status.getByRole('status').textContent()).resolves.toMatch(
    /^\s*Reconnecting…: the connection/,
  );
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

test('a feed that failed to load while the API was away loads by itself once the API is back', async () => {
  const [reader, writer] = await Promise.all([system.register(), system.register()]);
  await system.postMessage(writer, 'Waiting on the home feed', ['outage']);
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, reader);
  await waitLive(page);
  await page.getByText('Waiting on the home feed').waitFor();

  await system.flock.stop();
  await page.locator('flock-connection-status[status="reconnecting"]').waitFor({ timeout: 10_000 });
  // Away: a tag, then Back to the home feed; both loads fail.
  await page.locator('flock-message .tags a', { hasText: '#outage' }).first().click();
  await page.getByRole('heading', { level: 1, name: '#outage' }).waitFor();
  await page.goBack();
  const failed = page.locator('flock-feed [role="alert"]', { hasText: 'cannot be reached' });
  await failed.waitFor({ timeout: 10_000 });

  await system.flock.restart();
  await waitLive(page);
  // Nobody presses "Try again": the feed reloads once the connection is live again.
  await failed.waitFor({ state: 'detached', timeout: 15_000 });
  await expect.poll(() => shownContents(page), { timeout: 15_000 }).toContain('Waiting on the home feed');
  await context.close();
});

test('on a phone the lost connection is spelled out, not only coloured, and Retry now reconnects', async () => {
  const reader = await system.register();
  const context = await system.browser.newContext({ viewport: phone });
  const { page } = await system.signedIn(context, reader);
  await waitLive(page);
  const status = page.locator('flock-connection-status');
  // Live, the mark alone; its words are there for screen readers, once.
  await expect(status.getByRole('status').textContent()).resolves.toMatch(/^\s*Live: new messages appear/);

  await system.flock.stop();
  await page.locator('flock-connection-status[status="reconnecting"]').waitFor({ timeout: 10_000 });
  const word = await status.locator('.label').boundingBox();
  expect(word?.width, 'the word "Reconnecting…" is shown').toBeGreaterThan(40);
  const retry = page.getByRole('button', { name: 'Retry now' });
  // Everything in the header stays on screen beside it.
  for (const control of [status.locator('.label'), retry, page.getByRole('button', { name: 'Log out' })]) {
    const box = await control.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(phone.width);
  }
  await screenshot(page, 'reconnecting-phone-light');

  await system.flock.restart();
  // The reader does not wait out the backoff: the button opens a connection at once.
  const attempt = page.waitForEvent('websocket');
  await retry.click();
  await attempt;
  await waitLive(page);
  await expect(retry.count()).resolves.toBe(0);
  await context.close();
});
