// Deleting by keyboard: a keyboard reader keeps their place when a message goes, and can back out.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { desktop, systemUnderTest } from './helpers/flock.ts';

const system = systemUnderTest();

/** What has the focus, through the shadow roots: the element's tag and its accessible text. */
function focused(page: Page) {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return {
      tag: active?.tagName.toLowerCase(),
      label: active?.getAttribute('aria-label') ?? active?.textContent?.trim(),
    };
  });
}

test('Enter on "Yes, delete" moves the focus to the message that took its place, not to the page', async () => {
  const author = await system.register();
  await system.postMessage(author, 'The one that stays');
  await system.postMessage(author, 'The one to delete');
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, author);
  const doomed = page.locator('flock-message', { hasText: 'The one to delete' });
  await doomed.getByRole('button', { name: 'Delete this message' }).focus();
  await page.keyboard.press('Enter');
  await expect(focused(page)).resolves.toMatchObject({ tag: 'button', label: 'Yes, delete this message' });
  await page.keyboard.press('Enter');
  await doomed.waitFor({ state: 'detached' });
  await expect(focused(page)).resolves.toEqual({ tag: 'article', label: `Message by ${author.username}` });
  // The reader goes on from there: Tab reaches the remaining message's own links.
  await page.keyboard.press('Tab');
  await expect(focused(page)).resolves.toMatchObject({ tag: 'a', label: `@${author.username}` });
  await context.close();
});

test('Escape cancels the "Delete?" question and gives the focus back to Delete', async () => {
  const author = await system.register();
  await system.postMessage(author, 'Almost deleted');
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, author);
  const message = page.locator('flock-message', { hasText: 'Almost deleted' });
  await message.getByRole('button', { name: 'Delete this message' }).focus();
  await page.keyboard.press('Enter');
  await message.getByRole('button', { name: 'Yes, delete this message' }).waitFor();
  await page.keyboard.press('Escape');
  await message.getByRole('button', { name: 'Yes, delete this message' }).waitFor({ state: 'detached' });
  await expect(focused(page)).resolves.toMatchObject({ tag: 'button', label: 'Delete this message' });
  await expect(message.count()).resolves.toBe(1);
  await context.close();
});
