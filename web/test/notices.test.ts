// How an action went is told where the reader is: a notice at the bottom of the screen, announced to
// screen readers, even when the action was far down the feed.
import { expect, test } from 'vitest';
import { desktop, failLikes, phone, screenshot, systemUnderTest } from './helpers/flock.ts';

const system = systemUnderTest();

for (const [size, viewport] of [
  ['phone', phone],
  ['desktop', desktop],
] as const) {
  test(`a like that fails far down the feed is told on screen, and the like reverts (${size})`, async () => {
    const [reader, writer] = await Promise.all([system.register(), system.register()]);
    for (let i = 1; i <= 25; i += 1) await system.postMessage(writer, `Message number ${i}`);
    const context = await system.browser.newContext({ viewport });
    const { page } = await system.signedIn(context, reader);
    const oldest = page.locator('flock-message', { hasText: 'Message number 6' });
    await page.getByText('Message number 25').waitFor();
    await oldest.scrollIntoViewIfNeeded();
    await failLikes(page);
    const like = oldest.getByRole('button', { name: /^Like/ });
    await like.click();

    const notice = page.locator('flock-notices .notice', {
      hasText: 'Flock is busy: try again in a moment.',
    });
    await notice.waitFor();
    // In the assertive live region: announced at once.
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Flock is busy: try again in a moment.',
    );
    const box = await notice.boundingBox();
    const height = await page.evaluate(() => innerHeight);
    expect(box!.y, 'the notice is in view').toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(height);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
    await expect(like.getAttribute('aria-pressed')).resolves.toBe('false');
    await expect(like.locator('.count').textContent()).resolves.toBe('0');
    await screenshot(page, `notice-like-failed-${size}`);

    // Dismissed by the reader, it goes.
    await page.getByRole('button', { name: 'Dismiss: Flock is busy: try again in a moment.' }).click();
    await notice.waitFor({ state: 'detached' });
    await context.close();
  });
}

test('a deleted message is confirmed politely, the same notice shown once', async () => {
  const author = await system.register();
  await system.postMessage(author, 'First to go');
  await system.postMessage(author, 'Second to go');
  const context = await system.browser.newContext({ viewport: phone });
  const { page } = await system.signedIn(context, author);
  for (const content of ['Second to go', 'First to go']) {
    const message = page.locator('flock-message', { hasText: content });
    await message.getByRole('button', { name: 'Delete this message' }).click();
    await message.getByRole('button', { name: 'Yes, delete this message' }).click();
    await message.waitFor({ state: 'detached' });
  }
  const confirmations = page.getByRole('status').getByText('Message deleted.');
  await confirmations.waitFor();
  await expect(confirmations.count()).resolves.toBe(1);
  await context.close();
});
