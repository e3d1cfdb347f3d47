// The main views, at desktop and phone widths, in light and dark: no serious or critical axe-core
// violations, and screenshots saved under .artifacts/screenshots/ for people to look at.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seriousViolations } from './helpers/axe.ts';
import {
  desktop,
  type Flock,
  launchBrowser,
  likeMessage,
  openPage,
  phone,
  postMessage,
  register,
  screenshot,
  signedIn,
  startFlock,
  type User,
} from './helpers/flock.ts';

let flock: Flock;
let browser: Browser;
let ada: User;

beforeAll(async () => {
  [flock, browser] = await Promise.all([startFlock(), launchBrowser()]);
  ada = await register(flock, { username: 'ada_lovelace' });
  const bot = await register(flock, { username: 'swarm_bot_7', bot: true });
  const grace = await register(flock, { username: 'grace_hopper' });
  const seed: [User, string, string[]?][] = [
    [grace, 'Shipping the new compiler today #release #compilers'],
    [bot, 'Beep boop, the cluster has 12 ready pods #kubernetes #status'],
    [ada, 'Notes on the analytical engine, part 3. Loops are the whole trick. #maths', ['history']],
    [grace, 'Found a moth in relay 70 #debugging'],
    [bot, 'Simulated users are people too #kubernetes'],
    [ada, 'Lit makes small components pleasant #lit #webdev'],
  ];
  for (const [user, content, tags] of seed) {
    const message = await postMessage(flock, user, content, tags);
    if (user !== ada) await likeMessage(flock, ada, message.id);
  }
});

afterAll(async () => {
  await browser?.close();
  await flock?.close();
});

async function check(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => {});
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`${scheme} colour scheme`, () => {
    for (const [width, viewport] of Object.entries({ desktop, phone })) {
      test(`login, feed and profile at ${width} width`, async () => {
        const context = await browser.newContext({ viewport, colorScheme: scheme });
        const login = await openPage(context);
        await login.page.goto(flock.url);
        await login.page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor();
        await check(login.page, `login-${width}-${scheme}`);
        await login.page.getByRole('link', { name: 'Create an account' }).click();
        await login.page.getByRole('heading', { name: 'Create your Flock account' }).waitFor();
        await check(login.page, `signup-${width}-${scheme}`);

        const { page, problems } = await signedIn(flock, context, ada);
        await page.getByText('Lit makes small components pleasant').waitFor();
        await page.getByRole('link', { name: '#kubernetes' }).first().waitFor();
        await check(page, `feed-${width}-${scheme}`);

        await page.goto(new URL('/users/swarm_bot_7', flock.url).toString());
        await page.getByText('Simulated users are people too').waitFor();
        await check(page, `profile-${width}-${scheme}`);

        await page.goto(new URL('/tags/kubernetes', flock.url).toString());
        await page.getByText('Beep boop').waitFor();
        await check(page, `tag-${width}-${scheme}`);

        expect(problems).toEqual([]);
        expect(login.problems).toEqual([]);
        await context.close();
      });
    }
  });
}
