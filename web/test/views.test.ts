// Every view (sign-in, sign-up, home, a profile, a tag, the activity page and the 404 page), at desktop
// and phone widths, in light and dark: no axe-core violations of any impact, and screenshots saved
// under .artifacts/screenshots/ for people to look at.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { violations } from './helpers/axe.ts';
import { desktop, openPage, phone, screenshot, systemUnderTest, type User } from './helpers/flock.ts';

const system = systemUnderTest();
let ada: User;

beforeAll(async () => {
  ada = await system.register({ username: 'ada_lovelace' });
  const bot = await system.register({ username: 'swarm_bot_7', bot: true });
  const grace = await system.register({ username: 'grace_hopper' });
  const seed: [User, string, string[]?][] = [
    [grace, 'Shipping the new compiler today #release #compilers'],
    [bot, 'Beep boop, the cluster has 12 ready pods #kubernetes #status'],
    [ada, 'Notes on the analytical engine, part 3. Loops are the whole trick. #maths', ['history']],
    [grace, 'Found a moth in relay 70 #debugging'],
    [bot, 'Simulated users are people too #kubernetes'],
    [ada, 'Lit makes small components pleasant #lit #webdev'],
  ];
  for (const [user, content, tags] of seed) {
    const message = await system.postMessage(user, content, tags);
    if (user !== ada) await system.likeMessage(ada, message.id);
  }
});

async function check(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => {});
  expect(await violations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`${scheme} colour scheme`, () => {
    for (const [width, viewport] of Object.entries({ desktop, phone })) {
      test(`sign-in, sign-up, feed, profile, tag, activity and 404 at ${width} width`, async () => {
        const context = await system.browser.newContext({ viewport, colorScheme: scheme });
        const login = await openPage(context);
        await login.page.goto(system.flock.url);
        await login.page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor();
        await check(login.page, `login-${width}-${scheme}`);
        await login.page.getByRole('link', { name: 'Create an account' }).click();
        await login.page.getByRole('heading', { name: 'Create your Flock account' }).waitFor();
        await check(login.page, `signup-${width}-${scheme}`);

        const { page, problems } = await system.signedIn(context, ada);
        await page.getByText('Lit makes small components pleasant').waitFor();
        await page.getByRole('link', { name: '#kubernetes' }).first().waitFor();
        await check(page, `feed-${width}-${scheme}`);

        await page.goto(new URL('/users/swarm_bot_7', system.flock.url).toString());
        await page.getByText('Simulated users are people too').waitFor();
        await check(page, `profile-${width}-${scheme}`);

        await page.goto(new URL('/tags/kubernetes', system.flock.url).toString());
        await page.getByText('Beep boop').waitFor();
        await check(page, `tag-${width}-${scheme}`);

        await page.goto(new URL('/activity', system.flock.url).toString());
        await page.locator('flock-chart canvas').first().waitFor();
        await page.locator('flock-activity-table tbody tr').first().waitFor({ state: 'attached' });
        await check(page, `activity-${width}-${scheme}`);

        await page.goto(new URL('/no/such/page', system.flock.url).toString());
        await page.getByRole('heading', { name: 'Page not found' }).waitFor();
        await check(page, `not-found-${width}-${scheme}`);

        expect(problems).toEqual([]);
        expect(login.problems).toEqual([]);
        await context.close();
      });
    }
  });
}
