// Trending tags say their time window, and a tag used once is not a trend.
import { expect, test } from 'vitest';
import { desktop, phone, screenshot, systemUnderTest } from './helpers/flock.ts';

const system = systemUnderTest();

for (const [size, viewport] of [
  ['phone', phone],
  ['desktop', desktop],
] as const) {
  test(`trending names its window and lists only tags used at least twice (${size})`, async () => {
    const writer = await system.register();
    const suffix = size === 'phone' ? 'p' : 'd';
    await system.postMessage(writer, 'Said once', [`once_${suffix}`]);
    await system.postMessage(writer, 'Said twice, first', [`twice_${suffix}`]);
    await system.postMessage(writer, 'Said twice, second', [`twice_${suffix}`]);
    const context = await system.browser.newContext({ viewport });
    const { page } = await system.signedIn(context, writer);
    const trending = page.getByRole('region', { name: /Trending/ });
    await expect(trending.getByRole('heading', { level: 2 }).textContent()).resolves.toMatch(
      /^Trending · last 24 h$/,
    );
    const twice = trending.getByRole('link', { name: `#twice_${suffix} 2 messages` });
    await twice.waitFor();
    await expect(trending.getByRole('link', { name: new RegExp(`#once_${suffix}`) }).count()).resolves.toBe(
      0,
    );
    await screenshot(page, `trending-${size}`);
    await context.close();
  });
}
