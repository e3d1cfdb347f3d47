// States this round's fixes brought, at 390×844 and 1440×900, light and dark: a notice about a failed
// like, a 50-character tag in the composer and a refused form field. Each is checked with axe-core (no
// violations) and saved under .artifacts/screenshots/ (the lost connection's is reconnect.test.ts's).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { violations } from './helpers/axe.ts';
import { desktop, failLikes, phone, screenshot, systemUnderTest, type User } from './helpers/flock.ts';

const system = systemUnderTest();
const LONG_TAG = 'a'.repeat(25) + 'b'.repeat(25);
let reader: User;

beforeAll(async () => {
  reader = await system.register();
  const writer = await system.register();
  for (const n of [1, 2, 3]) await system.postMessage(writer, `Something to like, number ${n}`);
});

async function check(page: Page, name: string) {
  expect(await violations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`${scheme} colour scheme`, () => {
    for (const [size, viewport] of Object.entries({ phone, desktop })) {
      test(`a failed like's notice, a long tag in the composer, a refused field (${size})`, async () => {
        const context = await system.browser.newContext({ viewport, colorScheme: scheme });
        const { page } = await system.signedIn(context, reader);
        await page.getByText('Something to like, number 1').waitFor();

        await failLikes(page);
        await page.getByRole('button', { name: /^Like/ }).first().click();
        await page.locator('flock-notices .notice').waitFor();
        await check(page, `fixed-notice-${size}-${scheme}`);

        const tagInput = page.getByRole('textbox', { name: 'Add a tag' });
        await page.getByRole('textbox', { name: "What's happening?" }).fill('Long tags, short screens');
        await tagInput.fill(LONG_TAG);
        await tagInput.press('Enter');
        await page.getByRole('button', { name: `Remove tag ${LONG_TAG}` }).waitFor();
        await check(page, `fixed-long-tag-${size}-${scheme}`);
        await context.close();

        const signedOut = await system.browser.newContext({ viewport, colorScheme: scheme });
        const form = await signedOut.newPage();
        await form.goto(`${system.flock.url}/signup`);
        await form.getByLabel('Username').fill('someone_new');
        await form.getByLabel('Email').fill('someone_new@example.test');
        await form.getByLabel('Password').fill('x'.repeat(257));
        await form.getByRole('button', { name: 'Create account' }).click();
        await form.getByText('Password must be at most 256 characters.').waitFor();
        await check(form, `fixed-form-error-${size}-${scheme}`);
        await signedOut.close();
      });
    }
  });
}
