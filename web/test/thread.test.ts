// A message's page (/messages/:id): the thread above it root first, with "Deleted message" where one was
// deleted; the message, set apart; its replies oldest first with "Show more replies"; replies arriving
// and going live; "Replying to @x" and reply counts on the rows; and a message that does not exist.
import type { Page } from 'playwright-core';
import { beforeAll, expect, test } from 'vitest';
import { desktop, screenshot, systemUnderTest, type User, waitLive } from './helpers/flock.ts';

const system = systemUnderTest();
let root: User;
let middle: User;
let reader: User;

const deleteMessage = (user: User, id: string) =>
  fetch(new URL(`/api/messages/${id}`, system.flock.url), {
    method: 'DELETE',
    headers: { authorization: `Bearer ${user.token}` },
  });

const contents = (page: Page, list: string) =>
  page.locator(`flock-thread ${list} flock-message .content`).allTextContents();

beforeAll(async () => {
  [root, middle, reader] = await Promise.all([system.register(), system.register(), system.register()]);
});

test('the thread above, root first, with a deleted message in its place; the replies, oldest first, 25 of them by "Show more replies"', async () => {
  const first = await system.postMessage(root, 'The root of it all');
  const gone = await system.replyTo(middle, first.id, 'A middle that will be deleted');
  const focus = await system.replyTo(root, gone.id, 'The message of the page');
  const replies: string[] = [];
  for (let n = 1; n <= 25; n++) {
    const text = `Reply number ${String(n).padStart(2, '0')}`;
    await system.replyTo(n % 2 ? middle : reader, focus.id, text);
    replies.push(text);
  }
  expect((await deleteMessage(middle, gone.id)).status).toBe(204);

  const context = await system.browser.newContext({ viewport: desktop });
  const { page, problems } = await system.signedIn(context, reader, `/messages/${focus.id}`);
  await page.getByText('The message of the page').waitFor();
  // Above a deleted message the thread is not known: it alone stands for it.
  await expect(page.locator('flock-thread .ancestors li').allTextContents()).resolves.toEqual([
    expect.stringContaining('Deleted message'),
  ]);
  await expect(contents(page, '.focus')).resolves.toEqual(['The message of the page']);
  // The message answers a deleted one: its author is not known.
  await expect(page.locator('flock-thread .focus .replying').textContent()).resolves.toMatch(
    /Replying to\s+a message/,
  );
  await expect(page.locator('flock-thread .focus .replies .count').textContent()).resolves.toBe('25');

  await expect.poll(() => contents(page, '.replies')).toEqual(replies.slice(0, 20));
  await page.getByRole('button', { name: 'Show more replies' }).click();
  await expect.poll(() => contents(page, '.replies')).toEqual(replies);
  await expect(page.getByRole('button', { name: 'Show more replies' }).count()).resolves.toBe(0);
  const firstReply = page.locator('flock-thread .replies flock-message').first();
  await expect(firstReply.locator('.replying').textContent()).resolves.toMatch(
    new RegExp(`Replying to\\s+@${root.username}`),
  );

  // A reply's own page (from its time): the deleted one, then the message it answers, root first.
  await firstReply.locator('a.time').click();
  await page.waitForURL('**/messages/*');
  await expect.poll(() => contents(page, '.focus')).toEqual(['Reply number 01']);
  await screenshot(page, 'thread-deleted-ancestor-desktop-light');
  await expect(contents(page, '.ancestors')).resolves.toEqual(['The message of the page']);
  await expect(page.locator('flock-thread .ancestors li').first().textContent()).resolves.toMatch(
    'Deleted message',
  );
  await expect(page.locator('flock-thread .focus .replying').textContent()).resolves.toMatch(
    new RegExp(`Replying to\\s+@${root.username}`),
  );
  await page.locator('flock-thread .focus .replying a').click();
  await page.waitForURL(`**/messages/${focus.id}`);
  await page.getByText('Reply number 20').waitFor();

  // The root's page: nothing above it, and its deleted reply is not counted.
  await page.goto(new URL(`/messages/${first.id}`, system.flock.url).toString());
  await expect.poll(() => contents(page, '.focus')).toEqual(['The root of it all']);
  await expect(page.locator('flock-thread .ancestors').count()).resolves.toBe(0);
  await page.getByText('No replies yet.').waitFor();
  await expect(page.locator('flock-thread .focus .replies .count').textContent()).resolves.toBe('0');
  expect(problems).toEqual([]);
  await context.close();
});

test('replies arrive and go live; the message deleted while shown leaves its replies', async () => {
  const focus = await system.postMessage(root, 'Talk to me, live');
  const early = await system.replyTo(middle, focus.id, 'I was here first');
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, reader, `/messages/${focus.id}`);
  await page.getByText('I was here first').waitFor();
  await waitLive(page);

  const late = await system.replyTo(middle, focus.id, 'And I came live');
  await system.postMessage(middle, 'Not a reply, not on this page');
  await expect
    .poll(() => contents(page, '.replies'), { timeout: 10_000 })
    .toEqual(['I was here first', 'And I came live']);
  const count = page.locator('flock-thread .focus .replies .count');
  await expect.poll(() => count.textContent()).toBe('2');

  await deleteMessage(middle, early.id);
  await expect.poll(() => contents(page, '.replies'), { timeout: 10_000 }).toEqual(['And I came live']);
  await expect.poll(() => count.textContent()).toBe('1');

  await deleteMessage(root, focus.id);
  await page.getByText('This message was deleted.').waitFor({ timeout: 10_000 });
  await expect(contents(page, '.replies')).resolves.toEqual(['And I came live']);
  await expect(page.getByLabel('Your reply').count()).resolves.toBe(0);
  expect(late.inReplyTo).toBe(focus.id);
  await context.close();
});

test('the reader deletes their reply by keyboard: it goes, the count with it, and the focus moves to the next reply', async () => {
  const focus = await system.postMessage(root, 'Answer me twice');
  await system.replyTo(reader, focus.id, 'My reply to take back');
  await system.replyTo(middle, focus.id, 'The reply after it');
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, reader, `/messages/${focus.id}`);
  const mine = page.locator('flock-thread .replies flock-message', { hasText: 'My reply to take back' });
  await mine.getByRole('button', { name: 'Delete this message' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await mine.waitFor({ state: 'detached' });
  await expect(contents(page, '.replies')).resolves.toEqual(['The reply after it']);
  await expect(page.locator('flock-thread .focus .replies .count').textContent()).resolves.toBe('1');
  const focused = await page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active?.getAttribute('aria-label');
  });
  expect(focused).toBe(`Message by ${middle.username}`);
  await context.close();
});

test('a message that does not exist says so', async () => {
  const context = await system.browser.newContext({ viewport: desktop });
  const { page } = await system.signedIn(context, reader, '/messages/999999999');
  await page.getByRole('alert').filter({ hasText: 'There is no such message' }).waitFor();
  await context.close();
});
