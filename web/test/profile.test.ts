// Profiles and follows: the generated avatar (the same picture for the same username everywhere, with
// the account's name as its accessible name); Follow and Unfollow with the API's counts; no Follow on
// one's own profile but an edit form, whose refused field is told in the API's words; the followers
// and following lists, a page at a time, the most recent follow first.
import { beforeAll, expect, test } from 'vitest';
import { desktop, systemUnderTest, type User } from './helpers/flock.ts';

const system = systemUnderTest();
let star: User;
let fan: User;

beforeAll(async () => {
  [star, fan] = await Promise.all([system.register(), system.register()]);
  await system.postMessage(star, 'A message with my face on it');
});

test('the avatar: the same for the same username on a message and a profile, another for another', async () => {
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, fan, `/users/${star.username}`);
  const avatars = page.getByRole('img', { name: `Avatar of @${star.username}` });
  await page.getByText('A message with my face on it').waitFor();
  await expect(avatars.count()).resolves.toBe(2); // the profile's and the message's
  const drawn = await avatars.evaluateAll((svgs) =>
    svgs.map((svg) => svg.innerHTML.replace(/<!--.*?-->/g, '')),
  );
  expect(drawn[0]).toBe(drawn[1]);

  await page.goto(new URL(`/users/${fan.username}`, system.flock.url).toString());
  const other = page.getByRole('img', { name: `Avatar of @${fan.username}` });
  await other.waitFor();
  expect(await other.evaluate((svg) => svg.innerHTML.replace(/<!--.*?-->/g, ''))).not.toBe(drawn[0]);
  await context.close();
});

test('Follow and Unfollow: the button and the follower count follow the API; the star’s own profile has none', async () => {
  const context = await system.browser.newContext({ viewport: desktop });
  const { page, problems } = await system.signedIn(context, fan, `/users/${star.username}`);
  const count = (label: string) =>
    page.locator('flock-profile dl div').filter({ hasText: label }).locator('dd').textContent();
  await page.getByRole('button', { name: `Follow @${star.username}` }).click();
  await page.getByRole('button', { name: `Unfollow @${star.username}` }).waitFor();
  await expect.poll(() => count('Followers')).toBe('1');
  await page.reload();
  await page.getByRole('button', { name: `Unfollow @${star.username}` }).click();
  await page.getByRole('button', { name: `Follow @${star.username}` }).waitFor();
  await expect.poll(() => count('Followers')).toBe('0');

  await page.getByRole('button', { name: `Follow @${star.username}` }).click();
  await page.goto(new URL(`/users/${fan.username}`, system.flock.url).toString());
  await expect.poll(() => count('Following')).toBe('1');
  await expect(page.getByRole('button', { name: /Follow/ }).count()).resolves.toBe(0);
  await page.getByRole('button', { name: 'Edit profile' }).waitFor();
  expect(problems).toEqual([]);
  await context.close();
});

test('the edit form: a name of spaces only is refused beside its field in the API’s words; a good one is saved', async () => {
  const spaces = { displayName: '   ' };
  const refused = await fetch(new URL(`/api/users/${fan.username}`, system.flock.url), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${fan.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(spaces),
  });
  expect(refused.status).toBe(400);
  const { error } = (await refused.json()) as { error: { details: { field: string; message: string }[] } };
  const words = error.details.find((detail) => detail.field === 'displayName')?.message;
  expect(words).toBeTruthy();

  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, fan, `/users/${fan.username}`);
  await page.getByRole('button', { name: 'Edit profile' }).click();
  await page.getByLabel('Display name').fill(spaces.displayName);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Display name ${words}.`).waitFor();
  const field = page.getByLabel('Display name');
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(field.evaluate((input) => input.matches(':focus'))).resolves.toBe(true);

  await field.fill('A Fan');
  await page.getByLabel('Bio').fill('Here for the stars.');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: `A Fan @${fan.username}` }).waitFor();
  await page.getByText('Here for the stars.').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: `A Fan @${fan.username}` }).waitFor();

  // Emptied, the name is cleared: the username alone is shown again.
  await page.getByRole('button', { name: 'Edit profile' }).click();
  await page.getByLabel('Display name').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Edit profile' }).waitFor();
  await expect(page.locator('flock-profile h1').textContent()).resolves.not.toMatch('A Fan');
  await context.close();
});

test('followers and following: 25 of them, the most recent follow first, 20 at a time', async () => {
  const popular = await system.register();
  const followers: User[] = [];
  for (let n = 0; n < 25; n++) {
    const follower = await system.register();
    await system.follow(follower, popular.username);
    followers.push(follower);
  }
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, fan, `/users/${popular.username}`);
  await page.getByRole('link', { name: 'Followers', exact: true }).click();
  await page.waitForURL(`**/users/${popular.username}/followers`);
  await page.getByRole('heading', { name: `Followers of @${popular.username}` }).waitFor();
  const shown = () => page.locator('flock-accounts .account .handle').allTextContents();
  const expected = followers.map((follower) => `@${follower.username}`).reverse();
  await expect.poll(shown).toEqual(expected.slice(0, 20));
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect.poll(shown).toEqual(expected);
  await expect(page.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(0);

  // One of them, and whom they follow: the list leads to the profile.
  await page.locator('flock-accounts .account').first().click();
  await page.waitForURL(`**/users/${followers.at(-1)!.username}`);
  await page.getByRole('link', { name: 'Following', exact: true }).click();
  await expect.poll(shown).toEqual([`@${popular.username}`]);
  await context.close();
});
