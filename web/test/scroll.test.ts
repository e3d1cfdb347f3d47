import { expect, test } from 'vitest';
import { desktop, shownContents, systemUnderTest, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();

const label = (n: number) => `Scroll message ${String(n).padStart(3, '0')}`;

test('120 messages scroll in, each exactly once, newest first', async () => {
  const [writer, reader, latecomer] = await Promise.all([
    system.register(),
    system.register(),
    system.register(),
  ]);
  for (let n = 1; n <= 120; n++) await system.postMessage(writer, label(n));
  const context = await system.browser.newContext({ viewport: desktop });
  const { page, problems } = await system.signedIn(context, reader);
  await waitLive(page);
  await page.getByText(label(120)).waitFor();

  let posted = 0;
  for (let step = 0; step < 40; step++) {
    if (await page.getByText("You're all caught up.").isVisible()) break;
    await page.mouse.wheel(0, 2500);
    if (step === 0) await page.waitForFunction(() => scrollY > 500);
    // Others keep posting while the reader scrolls (the reader is no longer at the top).
    if (posted < 3) await system.postMessage(latecomer, `Posted while scrolling ${++posted}`);
    await page.waitForTimeout(150);
  }
  await page.getByText("You're all caught up.").waitFor();

  const expected = Array.from({ length: 120 }, (_, i) => label(120 - i));
  expect(await shownContents(page)).toEqual(expected);

  expect(posted).toBe(3);
  await page.getByRole('button', { name: '3 new messages' }).click();
  await expect
    .poll(() => shownContents(page))
    .toEqual([
      ...Array.from({ length: posted }, (_, i) => `Posted while scrolling ${posted - i}`),
      ...expected,
    ]);
  expect(problems).toEqual([]);
  await context.close();
});
