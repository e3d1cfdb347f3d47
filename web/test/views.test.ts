// Every view (sign-in, sign-up, Home, Public, a profile with its edit form, the followers and following
// lists, a message's page, a tag, the activity page and the 404 page), at desktop and phone widths, in light and dark: no axe-core violations of any impact, and screenshots saved
// under .artifacts/screenshots/ for people to look at.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { violations } from './helpers/axe.ts';
import { desktop, openPage, phone, screenshot, systemUnderTest, type User } from './helpers/flock.ts';

const system = systemUnderTest();
let ada: User;
let threadId: string;

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
  await system.follow(ada, grace.username);
  await system.follow(grace, ada.username);
  await system.updateProfile(ada, {
    displayName: 'Ada Lovelace',
    bio: 'Analyst, metaphysician, programmer.',
  });
  await system.updateProfile(grace, { displayName: 'Grace Hopper', bio: 'Compilers, and moths.' });
  const root = await system.postMessage(grace, 'Is a thread a kind of loop? #maths');
  const gone = await system.replyTo(ada, root.id, 'This reply will be deleted');
  const kept = await system.replyTo(ada, root.id, 'A loop that ends is a thread');
  await system.replyTo(grace, kept.id, 'Then every thread ends, eventually');
  await fetch(new URL(`/api/messages/${gone.id}`, system.flock.url), {
    method: 'DELETE',
    headers: { authorization: `Bearer ${ada.token}` },
  });
  threadId = kept.id;
});

async function check(page: Page, name: string) {
  await page.waitForLoadState('networkidle').catch(() => {});
  expect(await violations(page), `axe on ${name}`).toEqual([]);
  await screenshot(page, name);
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`${scheme} colour scheme`, () => {
    for (const [width, viewport] of Object.entries({ desktop, phone })) {
      test(`sign-in, sign-up, home, public, profile, lists, thread, tag, activity and 404 at ${width} width`, async () => {
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

        await page.goto(system.flock.url);
        await page.getByText('Then every thread ends, eventually').waitFor();
        await check(page, `home-${width}-${scheme}`);

        await page.goto(new URL(`/messages/${threadId}`, system.flock.url).toString());
        await page.getByText('Then every thread ends, eventually').waitFor();
        await page.getByText('Is a thread a kind of loop?').waitFor();
        await check(page, `thread-${width}-${scheme}`);

        await page.goto(new URL('/users/ada_lovelace', system.flock.url).toString());
        await page.getByText('Analyst, metaphysician, programmer.').waitFor();
        await page.getByText('A loop that ends is a thread').waitFor();
        await check(page, `own-profile-${width}-${scheme}`);
        await page.getByRole('button', { name: 'Edit profile' }).click();
        await page.getByLabel('Bio').waitFor();
        await check(page, `profile-edit-${width}-${scheme}`);

        await page.goto(new URL('/users/ada_lovelace/followers', system.flock.url).toString());
        await page.getByText('Compilers, and moths.').waitFor();
        await check(page, `followers-${width}-${scheme}`);
        await page.goto(new URL('/users/swarm_bot_7/following', system.flock.url).toString());
        await page.getByText('@swarm_bot_7 follows nobody yet.').waitFor();
        await check(page, `following-${width}-${scheme}`);

        await page.goto(new URL('/users/grace_hopper', system.flock.url).toString());
        await page.getByText('Found a moth in relay 70').waitFor();
        await page.getByRole('button', { name: 'Unfollow @grace_hopper' }).waitFor();
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
